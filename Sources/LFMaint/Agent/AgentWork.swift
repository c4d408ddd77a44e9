import Foundation
import Logging

/// The agent's work, one piece per loop: a sampling cycle, the guard's decision and a cleanup, and a
/// TTL check. The loops (and `agent --once`) only schedule these.
public struct AgentWork: Sendable {
    public let config: Configuration
    public let volumes: [VolumeSettings]
    public let client: ClickHouseClient
    public let status: AgentStatus
    public let notifier: WebhookNotifier
    /// Plans cleanups and TTL changes but runs none.
    public let dryRun: Bool
    private let logger = Logger(label: "lfmaint.agent")

    public init(config: Configuration, statfs: [String] = [], dryRun: Bool = false) throws {
        self.config = config
        volumes = try SampleTargets.volumes(config: config, statfs: statfs)
        client = ClickHouseClient(settings: config.clickhouse)
        status = AgentStatus(config: config, volumes: volumes)
        notifier = WebhookNotifier(url: config.agent.webhookURL, cluster: config.clusterName)
        self.dryRun = dryRun
    }

    public struct Cycle: Sendable {
        public var run: SampleRun
        public var publishFailures: [String]
        public var succeeded: Bool { publishFailures.isEmpty }
    }

    /// Samples every volume, updates the forecasts and the metrics, and publishes.
    public func sample(history: inout SampleHistory, now: Double) async -> Cycle {
        let run = await SampleWorkflow(config: config, volumes: volumes, topLimit: 10, clickhouse: client).run()
        history.record(run.samples, at: now)
        for sample in run.samples {
            let seconds = history.secondsToFull(sample.volume.name, now: now)
            status.recordForecast(volume: sample.volume.name, secondsToFull: seconds)
            if let seconds, seconds < config.agent.forecastWarnDays * 86400 {
                status.recordAction(volume: sample.volume.name, action: "warn_forecast")
                let days = String(format: "%.1f", seconds / 86400)
                logger.warning("volume forecast to fill soon", metadata: ["volume": "\(sample.volume.name)", "days": "\(days)"])
                await notifier.notify("forecast", volume: sample.volume.name, text: "forecast to be full in \(days) days at the current rate",
                                      details: ["secondsToFull": String(Int(seconds))])
            }
        }
        status.recordSample(run)
        let failures = await SamplePublishing.publish(run, config: config, exposition: status.exposition())
        for failure in failures { logger.error("\(failure)") }
        status.recordCycle(seconds: run.durationSeconds, succeeded: failures.isEmpty, at: now)
        return Cycle(run: run, publishFailures: failures)
    }

    /// The ClickHouse volumes whose guard says "clean up now". A Postgres or Redis volume over its
    /// threshold has no cleanup: it is warned about (log, metric, webhook) once per crossing.
    /// `consecutive`: samples over the threshold before acting (default: the config's).
    public func volumesToClean(_ run: SampleRun, guards: inout [String: VolumeGuard], now: Double, consecutive: Int? = nil) async -> [VolumeSettings] {
        var due: [VolumeSettings] = []
        // A source that answers without a capacity (Redis: memory only) has no usage to guard.
        for sample in run.samples where sample.status == .unknown || sample.usagePercent != nil {
            let volume = sample.volume
            var guardState = guards[volume.name]
                ?? VolumeGuard(consecutive: consecutive ?? config.agent.consecutiveSamples, cooldownSeconds: config.agent.cooldownSeconds)
            let decision = guardState.observe(usagePercent: sample.usagePercent, thresholdPercent: threshold(of: volume),
                                              targetPercent: target(of: volume), now: now)
            switch decision {
            case .calm, .watching: break
            case .hold(let reason):
                status.recordAction(volume: volume.name, action: "hold")
                logger.debug("cleanup held", metadata: ["volume": "\(volume.name)", "reason": "\(reason)"])
            case .cleanup where volume.component == .clickhouse:
                status.recordAction(volume: volume.name, action: "cleanup")
                due.append(volume)
            case .cleanup:
                guardState.ran(at: now, worked: true)
                status.recordAction(volume: volume.name, action: "warn_threshold")
                let usage = String(format: "%.1f%%", sample.usagePercent ?? 0)
                logger.warning("volume over its threshold; lfmaint cleans up ClickHouse only", metadata: ["volume": "\(volume.name)", "usage": "\(usage)"])
                await notifier.notify("threshold", volume: volume.name,
                                      text: "\(volume.component.rawValue) volume at \(usage), over its \(Int(threshold(of: volume)))% threshold; lfmaint cleans up ClickHouse only: grow the volume")
            }
            guards[volume.name] = guardState
        }
        return due
    }

    public func threshold(of volume: VolumeSettings) -> Double {
        Double(volume.thresholdPercent ?? config.cleanup.thresholdPercent)
    }

    public func target(of volume: VolumeSettings) -> Double {
        Double(min(config.cleanup.effectiveTargetPercent, Int(threshold(of: volume)) - 1))
    }

    public struct CleanupResult: Sendable {
        /// below_target, below_threshold, still_above, failed, refused, dry_run.
        public var outcome: String
        public var run: CleanupRun?
        public var message: String
        /// The run did what it could: the guard waits for usage to fall under the target before another.
        public var worked: Bool { !["failed", "refused"].contains(outcome) }
    }

    /// One cleanup of a ClickHouse volume, at its own threshold; reported, counted and notified.
    public func cleanup(_ volume: VolumeSettings) async -> CleanupResult {
        var config = self.config
        config.cleanup.thresholdPercent = Int(threshold(of: volume))
        config.cleanup.targetPercent = Int(target(of: volume))
        let workflow = CleanupWorkflow(config: config, client: client, options: CleanupExecutor.Options(config.cleanup, dryRun: dryRun), volumes: [volume])
        await notifier.notify("cleanup-started", volume: volume.name, text: "usage crossed \(Int(threshold(of: volume)))%: cleanup started")
        let result: CleanupResult
        do {
            let run = try await workflow.run()
            result = CleanupResult(outcome: Self.outcome(of: run), run: run, message: run.conclusion)
        } catch let error as CleanupLock.LockError {
            result = CleanupResult(outcome: "refused", run: nil, message: error.description)
        } catch let error as CleanupWorkflow.CleanupError {
            result = CleanupResult(outcome: "refused", run: nil, message: error.description)
        } catch {
            result = CleanupResult(outcome: "failed", run: nil, message: String(describing: error))
        }
        let freed = dryRun ? 0 : result.run?.outcomes.compactMap(\.freedBytes).reduce(0, +) ?? 0
        status.recordCleanup(volume: volume.name, outcome: result.outcome, freedBytes: freed)
        let failed = result.outcome == "failed" || result.outcome == "refused"
        let failures = result.run?.outcomes.filter { $0.status == .failed }.compactMap(\.reason) ?? []
        logger.log(level: failed ? .error : .notice, "cleanup finished",
                   metadata: ["volume": "\(volume.name)", "outcome": "\(result.outcome)", "freed_bytes": "\(freed)", "detail": "\(result.message)"])
        await notifier.notify(failed ? "cleanup-failed" : "cleanup-finished", volume: volume.name,
                              text: "cleanup \(result.outcome.replacingOccurrences(of: "_", with: " ")): \(([result.message] + failures).joined(separator: "; "))",
                              details: ["outcome": result.outcome, "freedBytes": String(freed)])
        return result
    }

    static func outcome(of run: CleanupRun) -> String {
        if run.dryRun { return "dry_run" }
        if run.hasFailures { return "failed" }
        if run.after < Double(run.targetPercent) { return "below_target" }
        return run.stillAboveThreshold ? "still_above" : "below_threshold"
    }

    public struct TTLCheck: Sendable {
        public var rows: [TTLPlanRow]
        public var applied: Int
        public var drift: Int { rows.filter { $0.action.changesSomething }.count }
    }

    /// Plans the TTLs and, with `autoApplyTTL` (and not a dry run), applies the drift and plans again.
    public func checkTTL() async throws -> TTLCheck {
        let workflow = TTLWorkflow(config: config, client: client, dropRotatedLogs: false)
        do {
            var check = TTLCheck(rows: try await workflow.plan(), applied: 0)
            if check.drift > 0, config.agent.autoApplyTTL, !dryRun {
                check.applied = try await workflow.apply(materialize: false).count
                check.rows = try await workflow.plan()
            }
            status.recordTTL(drift: check.drift)
            if check.drift > 0 {
                logger.warning("TTL drift", metadata: ["tables": "\(check.rows.filter { $0.action.changesSomething }.map(\.table.description))",
                                                       "autoApplyTTL": "\(config.agent.autoApplyTTL)"])
            }
            return check
        } catch {
            status.recordTTL(drift: nil)
            throw error
        }
    }
}
