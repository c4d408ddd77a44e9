import LFMaint
import Logging
import ServiceLifecycle

/// The long-running agent: the endpoints, the sampler, the relief loop and the retention loop in one
/// ServiceGroup. SIGTERM or SIGINT stops them in reverse order (retention, relief — which abandons a
/// running cleanup between steps and releases its lock —, sampler, endpoints) within 8 s; then the
/// last metrics go to the Pushgateway, if one is configured, within 1 s more.
public enum AgentService {
    static let shutdownLimit: Duration = .seconds(8)

    public static func run(_ work: AgentWork, listen: ListenAddress) async throws {
        let (runs, runsInput) = AsyncStream.makeStream(of: AgentWork.Cycle.self, bufferingPolicy: .bufferingNewest(1))
        let endpoints = try EndpointsService(status: work.status, listen: listen, intervalSeconds: work.config.agent.intervalSeconds)
        var configuration = ServiceGroupConfiguration(
            services: [endpoints, SamplerService(work: work, runs: runsInput), ReliefService(work: work, runs: runs), RetentionService(work: work)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "lfmaint.agent"))
        configuration.maximumGracefulShutdownDuration = shutdownLimit
        configuration.maximumCancellationDuration = .seconds(1)
        var failure: Error?
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            failure = error
        }
        // After the group, whose tasks may have been cancelled: a task of its own, with its own short timeout.
        await Task { await work.flushMetrics() }.value
        if let failure { throw failure }
    }
}
