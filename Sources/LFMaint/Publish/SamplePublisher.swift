import LFMaintEdges

/// Sends sampling runs to every configured target, over one HTTP client: the agent publishes every
/// cycle, and reuses its connections (and TLS sessions) to CloudWatch and the Pushgateway.
public struct SamplePublisher: Sendable {
    let config: Configuration
    let connections: PublishConnections
    public var http: HTTPClient { connections.http }

    /// CloudWatch, STS and a Pushgateway answer in well under a second: a target that takes longer
    /// is failing, and must not hold the agent's cycle for curl's default.
    static let timeoutSeconds = 10.0

    public init(config: Configuration) {
        self.config = config
        var options = HTTPClient.Options()
        options.timeoutSeconds = Self.timeoutSeconds
        let http = HTTPClient(options: options)
        connections = PublishConnections(http: http, credentials: AWSCredentialSource(config.cloudwatch).map {
            AWSCredentialProvider(source: $0, http: http)
        })
    }

    /// One line per target that failed. `exposition`: what to push to a Pushgateway (the agent
    /// pushes its own metrics too), rendered only when one is configured; default the run's.
    /// `pushgateway: false` leaves the Pushgateway out this time.
    public func publish(_ run: SampleRun, exposition: @autoclosure () -> String? = nil, pushgateway: Bool = true) async -> [String] {
        var failures: [String] = []
        for target in config.publish where pushgateway || target != .pushgateway {
            guard let publisher = target.kind.init(config: config, connections: connections) else { continue }
            do {
                try await publisher.publish(run) { exposition() ?? PrometheusExposition.render(run, cluster: config.clusterName) }
            } catch {
                failures.append("publishing to \(target.rawValue) failed: \(error)")
            }
        }
        return failures
    }
}
