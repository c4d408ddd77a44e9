import Foundation
import LFMaint
import LFMaintEdges
import LFMaintSupport
import Logging

/// The agent's work, one piece per loop: a sampling cycle, the cleanup trigger's decision and a cleanup, and a
/// TTL check. The loops (and `agent --once`) only schedule these.
public struct AgentWork: Sendable {
    let config: Configuration
    let client: ClickHouseClient
    let status: AgentStatus
    let notifier: WebhookNotifier
    let publisher: SamplePublisher
    /// Kept across cycles: its ClickHouse and Kubernetes connections are reused.
    let sampling: SampleWorkflow
    /// With `grow.enabled` only: nil means no code here writes to the Kubernetes API.
    let growth: GrowthWorkflow?
    /// Plans cleanups, TTL changes and resizes but runs none.
    let dryRun: Bool
    let logger = Logger(label: "lfmaint.agent")

    public init(config: Configuration, statfs: [String] = [], dryRun: Bool = false) throws {
        self.config = config
        let volumes = try SampleTargets.volumes(config: config, statfs: statfs)
        client = ClickHouseClient(settings: config.clickhouse)
        status = AgentStatus(config: config, volumes: volumes)
        notifier = WebhookNotifier(url: config.agent.webhookURL, cluster: config.clusterName)
        publisher = SamplePublisher(config: config)
        sampling = SampleWorkflow(config: config, volumes: volumes, topLimit: 10, clickhouse: client)
        growth = GrowthWorkflow(config: config, dryRun: dryRun, http: sampling.kubernetes)
        self.dryRun = dryRun
    }

    /// Where each volume's bytes went (`lfmaint_volume_bytes{volume, kind}`) is asked this often: it reads
    /// more than a sample (every part's columns, a Redis SCAN), and changes slowly. The metric is that
    /// old at most (one cycle more on the Pushgateway, which gets the exposition before it is made).
    static let explainEverySeconds = 300.0

    public struct Cycle: Sendable {
        public var run: SampleRun
        var publishFailures: [String]
        /// When the sampling began.
        var sampledAt: Double
        /// The samples within `forecastWindowSeconds`, this run's included.
        var history: SampleHistory
    }

    /// Samples every volume, updates the forecasts and the metrics, and publishes (the Pushgateway
    /// gets the agent's whole exposition; `pushMetrics: false` leaves that to the caller).
    func sample(history: inout SampleHistory, now: Double, pushMetrics: Bool = true) async -> Cycle {
        let run = await sampling.run()
        history.record(run.samples, at: now)
        for sample in run.samples {
            let seconds = history.secondsToFull(sample.volume.name, now: now)
            if status.recordForecast(volume: sample.volume.name, secondsToFull: seconds, warnBelow: config.agent.forecastWarnDays * 86400),
               let seconds {
                status.recordAction(volume: sample.volume.name, .warnForecast)
                let days = String(format: "%.1f", seconds / 86400)
                logger.warning("volume forecast to fill soon", metadata: ["volume": "\(sample.volume.name)", "days": "\(days)"])
                await notifier.notify(.forecast, volume: sample.volume.name, text: "forecast to be full in \(days) days at the current rate",
                                      details: ["secondsToFull": String(Int(seconds))])
            }
        }
        status.recordSample(run)
        let failures = await publisher.publish(run, exposition: status.exposition(), pushgateway: pushMetrics)
        for failure in failures { logger.error("\(failure)") }
        status.recordCycle(seconds: run.durationSeconds, succeeded: failures.isEmpty, at: now)
        // After publishing, and never while a volume is over its threshold: the cleanup comes first.
        let calm = run.samples.allSatisfy { ($0.usagePercent ?? 0) < threshold(of: $0.volume) }
        if calm, status.accountsDue(now: now, every: Self.explainEverySeconds) {
            status.recordAccounts(await ExplainWorkflow(sampling: sampling).accounts(for: run), at: now)
        }
        return Cycle(run: run, publishFailures: failures, sampledAt: now, history: history)
    }

    /// The ClickHouse volumes whose trigger says "clean up now". A Postgres or Redis volume over its
    /// threshold has no cleanup: it is warned about (log, metric, webhook) once per crossing. Replicas'
    /// volumes share one cleanup, which works on every replica: the fullest of them stands for the others.
    func volumesToClean(_ run: SampleRun, triggers: inout CleanupTriggers, now: Double) async -> [VolumeSettings] {
        var due: [VolumeSettings] = []
        let usage = Dictionary(run.samples.map { ($0.volume.name, $0.usagePercent ?? 0) }, uniquingKeysWith: max)
        // A source that answers without a capacity (Redis: memory only) has no usage to guard.
        for sample in run.samples where sample.status == .unknown || sample.usagePercent != nil {
            let volume = sample.volume
            let decision = triggers.observe(volume.name, usagePercent: sample.usagePercent, thresholdPercent: threshold(of: volume),
                                            targetPercent: target(of: volume), now: now)
            switch decision {
            case .calm, .watching: break
            case .hold(let reason):
                status.recordAction(volume: volume.name, .hold)
                logger.debug("cleanup held", metadata: ["volume": "\(volume.name)", "reason": "\(reason)"])
            case .cleanup where volume.component == .clickhouse:
                status.recordAction(volume: volume.name, .cleanup)
                due.append(volume)
            case .cleanup:
                triggers.ran([volume.name], at: now, worked: true)
                status.recordAction(volume: volume.name, .warnThreshold)
                let usage = Percent.text(sample.usagePercent ?? 0)
                logger.warning("volume over its threshold; lfmaint cleans up ClickHouse only", metadata: ["volume": "\(volume.name)", "usage": "\(usage)"])
                let grows = growth != nil && volume.measuresFileSystem
                let grow = grows ? "lfmaint grows it (grow.enabled) when it is filling" : "grow the volume"
                let remedy = volume.component == .minio ? "expire raw events (lfmaint s3 apply) or \(grow)" : grow
                await notifier.notify(.threshold, volume: volume.name, text: "\(volume.component.rawValue) volume at \(usage), over its "
                                      + "\(Int(threshold(of: volume)))% threshold; lfmaint cleans up ClickHouse only: \(remedy)")
            }
        }
        let fullest = Dictionary(grouping: due) { $0.replicaOf ?? $0.name }
            .compactMapValues { group in group.max { usage[$0.name, default: 0] < usage[$1.name, default: 0] }?.name }
        return due.filter { fullest[$0.replicaOf ?? $0.name] == $0.name }
    }

    /// Triggers that act after `consecutive` samples over the threshold (default: the config's).
    func triggers(consecutive: Int? = nil) -> CleanupTriggers {
        CleanupTriggers(consecutive: consecutive ?? config.agent.consecutiveSamples, cooldownSeconds: config.agent.cooldownSeconds)
    }

    func threshold(of volume: VolumeSettings) -> Double { Double(config.cleanup.thresholdPercent(for: volume)) }
    func target(of volume: VolumeSettings) -> Double { Double(config.cleanup.targetPercent(for: volume)) }

    /// How an agent-started cleanup ended; the raw value is the metric's `outcome` label.
    enum CleanupVerdict: String, Sendable, CaseIterable {
        case belowTarget = "below_target", belowThreshold = "below_threshold", stillAbove = "still_above"
        case failed, refused
        case dryRun = "dry_run"

        init(_ run: CleanupRun) {
            self = run.dryRun ? .dryRun : run.hasFailures ? .failed : run.after < Double(run.targetPercent) ? .belowTarget
                : run.stillAboveThreshold ? .stillAbove : .belowThreshold
        }

        /// The run did what it could: the trigger waits for usage to fall under the target before another.
        var worked: Bool { self != .failed && self != .refused }
        var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    struct CleanupResult: Sendable {
        var verdict: CleanupVerdict
        var run: CleanupRun?
        var message: String

        init(verdict: CleanupVerdict, run: CleanupRun?, message: String) {
            self.verdict = verdict
            self.run = run
            self.message = message
        }
    }

    /// One cleanup of a ClickHouse volume, at its own threshold; reported, counted and notified.
    func cleanup(_ volume: VolumeSettings) async -> CleanupResult {
        let workflow = CleanupWorkflow(config: config, client: client, options: CleanupExecutor.Options(config.cleanup, dryRun: dryRun), volumes: [volume])
        await notifier.notify(.cleanupStarted, volume: volume.name,
                              text: "usage crossed \(Int(threshold(of: volume)))%: \(dryRun ? "cleanup planned (dry run: nothing is changed)" : "cleanup started")")
        let result: CleanupResult
        do {
            let run = try await workflow.run()
            result = CleanupResult(verdict: CleanupVerdict(run), run: run, message: run.conclusion)
        } catch where error is CleanupLock.LockError || error is CleanupWorkflow.CleanupError {
            result = CleanupResult(verdict: .refused, run: nil, message: String(describing: error))
        } catch {
            result = CleanupResult(verdict: .failed, run: nil, message: String(describing: error))
        }
        let freed = dryRun ? 0 : result.run?.freedBytes ?? 0
        status.recordCleanup(volume: volume.name, outcome: result.verdict.rawValue, freedBytes: freed)
        let failures = result.run?.outcomes.filter { $0.status == .failed }.compactMap(\.reason) ?? []
        logger.log(level: result.verdict.worked ? .notice : .error, "cleanup finished",
                   metadata: ["volume": "\(volume.name)", "outcome": "\(result.verdict.rawValue)", "freed_bytes": "\(freed)", "detail": "\(result.message)"])
        // Sent even when lfmaint is stopping (a cleanup abandoned on the way out is worth telling), then
        // within 2 s: the shutdown has a budget, and a slow receiver must not spend it.
        let notifier = self.notifier
        let stopping = Task.isCancelled
        await Task {
            await notifier.notify(result.verdict.worked ? .cleanupFinished : .cleanupFailed, volume: volume.name,
                                  text: "cleanup \(result.verdict.words): \(([result.message] + failures).joined(separator: "; "))",
                                  details: ["outcome": result.verdict.rawValue, "freedBytes": String(freed)], timeoutSeconds: stopping ? 2 : 10)
        }.value
        return result
    }

    /// The agent's whole exposition to the Pushgateway, when one is configured.
    func pushMetrics(http: HTTPClient) async throws {
        guard let url = config.pushgatewayToPublishTo else { return }
        try await PushgatewayPublisher(url: url, cluster: config.clusterName, http: http).publish(status.exposition())
    }

    /// On shutdown: the last metrics, so that a cleanup abandoned on the way out is counted there too.
    /// Quick (1 s at most): the pod is stopping.
    func flushMetrics() async {
        var options = HTTPClient.Options()
        options.connectTimeoutSeconds = 0.5
        options.timeoutSeconds = 1
        do {
            try await pushMetrics(http: HTTPClient(options: options))
        } catch {
            logger.warning("could not push the last metrics on shutdown", metadata: ["error": "\(error)"])
        }
    }

    struct TTLCheck: Sendable {
        var rows: [TTLStep]
        var applied: Int
        /// System logs whose TTL the next restart undoes, applied just now or not.
        var notLasting: [TTLStep] = []
        var changes: [TTLStep] { rows.filter(\.action.changesSomething) }
        var drift: Int { changes.count }
    }

    /// Plans the TTLs and, with `autoApplyTTL` (and not a dry run), applies the drift and plans again.
    func checkTTL() async throws -> TTLCheck {
        let workflow = TTLWorkflow(config: config, client: client, dropRotatedLogs: false)
        do {
            var check = TTLCheck(rows: try await workflow.plan(), applied: 0)
            check.notLasting = check.rows.notLasting
            if check.drift > 0, config.agent.autoApplyTTL, !dryRun {
                // apply re-reads and verifies each table: what it verified is no longer drift.
                let done = Set(try await workflow.apply(materialize: false).filter { $0.status == .applied && $0.verified }.map(\.row.table))
                check.applied = done.count
                check.rows.removeAll { done.contains($0.table) }
            }
            status.recordTTL(drift: check.drift, notLasting: check.notLasting.count)
            if !check.notLasting.isEmpty {
                logger.warning("system-log TTLs a restart undoes: lfmaint ttl server-config",
                               metadata: ["tables": "\(check.notLasting.map(\.table.description))"])
            }
            if check.drift > 0 {
                logger.warning("TTL drift", metadata: ["tables": "\(check.changes.map(\.table.description))",
                                                       "autoApplyTTL": "\(config.agent.autoApplyTTL)"])
            }
            return check
        } catch {
            status.recordTTL(drift: nil)
            throw error
        }
    }
}
