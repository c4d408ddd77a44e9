/// Sends a sampling run to every configured target. Returns one line per target that failed.
public enum SamplePublishing {
    /// `exposition`: what to push to a Pushgateway (the agent pushes its own metrics too); default
    /// the run's exposition.
    public static func publish(_ run: SampleRun, config: Configuration, exposition: String? = nil) async -> [String] {
        var failures: [String] = []
        for target in config.publish {
            do {
                switch target {
                case .cloudwatch:
                    _ = try await CloudWatchPublisher(config: config).publish(run.samples)
                case .pushgateway:
                    guard let url = config.pushgatewayURL else { continue }
                    try await PushgatewayPublisher(url: url, cluster: config.clusterName)
                        .publish(exposition ?? PrometheusExposition.render(run, cluster: config.clusterName))
                }
            } catch {
                failures.append("publishing to \(target.rawValue) failed: \(error)")
            }
        }
        return failures
    }
}
