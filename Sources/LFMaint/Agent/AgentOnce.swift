import Foundation

/// `lfmaint agent --once`, what the CronJob runs: one sample (published), a cleanup of every
/// ClickHouse volume over its threshold (one sample is enough: the CronJob's schedule is the
/// cooldown), one TTL check, one check of the event bucket's lifecycle rule, and a last push of the
/// agent's metrics to the Pushgateway.
public struct AgentOnce: Sendable {
    public var cycle: AgentWork.Cycle
    public var cleanups: [(volume: String, result: AgentWork.CleanupResult)]
    public var ttl: AgentWork.TTLCheck?
    public var ttlError: String?
    public var lifecycle: EventLifecycleOutcome?
    public var lifecycleError: String?
    public var pushFailure: String?

    public static func run(_ work: AgentWork) async -> AgentOnce {
        let now = Date().timeIntervalSince1970
        var history = SampleHistory(windowSeconds: work.config.agent.forecastWindowSeconds)
        let cycle = await work.sample(history: &history, now: now, pushMetrics: false)
        var guards: [String: VolumeGuard] = [:]
        var cleanups: [(volume: String, result: AgentWork.CleanupResult)] = []
        for volume in await work.volumesToClean(cycle.run, guards: &guards, now: now, consecutive: 1) {
            cleanups.append((volume.name, await work.cleanup(volume)))
        }
        var once = AgentOnce(cycle: cycle, cleanups: cleanups)
        do {
            once.ttl = try await work.checkTTL()
        } catch {
            once.ttlError = String(describing: error)
        }
        do {
            once.lifecycle = try await work.checkLifecycle()
        } catch {
            once.lifecycleError = String(describing: error)
        }
        do {
            try await work.pushMetrics(http: work.publisher.http)
        } catch {
            once.pushFailure = "publishing to pushgateway failed: \(error)"
        }
        return once
    }

    public var failures: [String] {
        cycle.publishFailures + [pushFailure, ttlError.map { "TTL check failed: \($0)" },
                                 lifecycleError.map { "event bucket lifecycle check failed: \($0)" }].compactMap { $0 }
            + cleanups.filter { !$0.result.verdict.worked }.map { "cleanup of \($0.volume) \($0.result.verdict.words): \($0.result.message)" }
    }

    public var stillAboveThreshold: Bool { cleanups.contains { $0.result.verdict == .stillAbove } }
}
