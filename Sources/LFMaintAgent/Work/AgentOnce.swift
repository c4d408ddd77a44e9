import Foundation
import LFMaint

/// `lfmaint agent --once`, what the CronJob runs: one sample (published), a cleanup of every
/// ClickHouse volume over its threshold (one sample is enough: the CronJob's schedule is the
/// cooldown), with `grow.enabled` growth of what is still over it, one TTL check, one check of the
/// event bucket's lifecycle rule, and a last push of the
/// agent's metrics to the Pushgateway.
public struct AgentOnce: Sendable {
    public var cycle: AgentWork.Cycle
    var cleanups: [(volume: String, result: AgentWork.CleanupResult)]
    /// With `grow.enabled`: every volume over its threshold after the cleanups.
    var growth: [GrowthRow] = []
    var dryRun = false
    var ttl: AgentWork.TTLCheck?
    var ttlError: String?
    var lifecycle: EventLifecycleOutcome?
    var lifecycleError: String?
    var pushFailure: String?

    public static func run(_ work: AgentWork) async -> AgentOnce {
        let now = Date().timeIntervalSince1970
        var history = SampleHistory(windowSeconds: work.config.agent.forecastWindowSeconds)
        let cycle = await work.sample(history: &history, now: now, pushMetrics: false)
        var triggers = work.triggers(consecutive: 1)
        var cleanups: [(volume: String, result: AgentWork.CleanupResult)] = []
        var memory = GrowthMemory()
        for volume in await work.volumesToClean(cycle.run, triggers: &triggers, now: now) {
            let result = await work.cleanup(volume)
            cleanups.append((volume.name, result))
            memory.cleanupEnded(result, names: CleanupTriggers.volumes(coveredBy: volume, in: cycle.run), at: Date().timeIntervalSince1970)
        }
        var once = AgentOnce(cycle: cycle, cleanups: cleanups)
        once.dryRun = work.dryRun
        if work.growth != nil {
            // A cleaned volume is judged on a sample taken after its cleanup.
            let sampledAt = Date().timeIntervalSince1970
            let run = memory.cleanedOut.isEmpty ? cycle.run : await work.sampling.run()
            once.growth = await work.grow(run, sampledAt: memory.cleanedOut.isEmpty ? now : sampledAt, history: nil,
                                          memory: &memory, follow: true).rows
        }
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
            + growth.compactMap { row in
                switch row.result {
                case .stalled(let why), .failed(let why): "growth of \(row.volume.name) \(row.result.outcome?.rawValue ?? ""): \(why)"
                default: nil
                }
            }
    }

    /// A volume stays over its threshold: a cleanup left it there and growth did not grow it, or growth
    /// (when on) left a volume over it. A dry run changes nothing, so it reports none.
    public var stillAboveThreshold: Bool {
        guard !dryRun else { return false }
        let grown = Set(growth.filter(\.grew).flatMap { [$0.volume.name, $0.volume.replicaOf] }.compactMap { $0 })
        return cleanups.contains { $0.result.verdict == .stillAbove && !grown.contains($0.volume) } || !growth.relievedAll
    }
}
