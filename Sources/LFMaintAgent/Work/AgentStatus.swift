import LFMaint
import LFMaintSupport
import Synchronization

/// What the agent knows and counts, shared by its loops and served at `/metrics` and `/readyz`.
final class AgentStatus: Sendable {
    struct State {
        var lastRun: SampleRun?
        var forecasts: [String: Double] = [:]
        var cycles = 0
        var cycleFailures = 0
        var lastCycleSeconds: Double?
        var lastSuccess: Double?
        var cleanupRuns: [LabelPair: Int] = [:]
        var freedBytes: [String: Int64] = [:]
        var actions: [LabelPair: Int] = [:]
        var resizes: [LabelPair: Int] = [:]
        var ttlDrift: Int?
        var ttlNotLasting: Int?
        var ttlCheckOK: Bool?
        var lifecycleDrift: Int?
        var lifecycleCheckOK: Bool?
        var accounts: [VolumeAccount] = []
        var accountsAt: Double?
    }

    struct LabelPair: Hashable { let volume: String, value: String }

    /// The outcomes `lfmaint_cleanup_runs_total` counts from 0 (a dry-run agent adds dry_run).
    static let outcomes = AgentWork.CleanupVerdict.allCases.filter { $0 != .dryRun }.map(\.rawValue)

    let cluster: String
    let volumes: [VolumeSettings]
    /// Cleanup threshold per volume name, in percent.
    let thresholds: [String: Double]
    /// `grow.enabled`: `lfmaint_volume_resizes_total` is shown.
    let growing: Bool
    private let state = Mutex(State())

    init(config: Configuration, volumes: [VolumeSettings]) {
        cluster = config.clusterName
        self.volumes = volumes
        thresholds = Dictionary(volumes.map { ($0.name, Double(config.cleanup.thresholdPercent(for: $0))) }, uniquingKeysWith: { a, _ in a })
        growing = config.grow.policy != nil
    }

    func recordSample(_ run: SampleRun) {
        state.withLock { $0.lastRun = run }
    }

    /// True when the accounts were never made, or last made `every` seconds ago or more.
    func accountsDue(now: Double, every: Double) -> Bool {
        state.withLock { state in state.accountsAt.map { now - $0 >= every } ?? true }
    }

    func recordAccounts(_ accounts: [VolumeAccount], at now: Double) {
        state.withLock {
            $0.accounts = accounts
            $0.accountsAt = now
        }
    }

    func recordCycle(seconds: Double, succeeded: Bool, at now: Double) {
        state.withLock {
            $0.cycles += 1
            $0.lastCycleSeconds = seconds
            if succeeded { $0.lastSuccess = now } else { $0.cycleFailures += 1 }
        }
    }

    /// True when this forecast is the first under `warnBelow` seconds since the volume was last above
    /// it (or had none): the moment to warn, once per crossing rather than every cycle.
    func recordForecast(volume: String, secondsToFull: Double?, warnBelow: Double) -> Bool {
        state.withLock {
            let wasWarning = $0.forecasts[volume].map { $0 < warnBelow } ?? false
            $0.forecasts[volume] = secondsToFull
            return !wasWarning && secondsToFull.map { $0 < warnBelow } == true
        }
    }

    func recordCleanup(volume: String, outcome: String, freedBytes: Int64) {
        state.withLock {
            $0.cleanupRuns[LabelPair(volume: volume, value: outcome), default: 0] += 1
            $0.freedBytes[volume, default: 0] += max(0, freedBytes)
        }
    }

    func recordResize(volume: String, outcome: ResizeOutcome) {
        state.withLock { $0.resizes[LabelPair(volume: volume, value: outcome.rawValue), default: 0] += 1 }
    }

    func recordAction(volume: String, _ action: VolumeAction) {
        state.withLock { $0.actions[LabelPair(volume: volume, value: action.rawValue), default: 0] += 1 }
    }

    /// `drift` nil: the check failed. `notLasting`: system logs whose TTL the next restart undoes.
    func recordTTL(drift: Int?, notLasting: Int? = nil) {
        state.withLock {
            $0.ttlCheckOK = drift != nil
            if let drift { $0.ttlDrift = drift }
            if let notLasting { $0.ttlNotLasting = notLasting }
        }
    }

    /// `drift` nil: the check failed; 1 when the event bucket's rule is missing, differs or is refused.
    func recordLifecycle(drift: Int?) {
        state.withLock {
            $0.lifecycleCheckOK = drift != nil
            if let drift { $0.lifecycleDrift = drift }
        }
    }

    /// Ready once a cycle has succeeded within the last `window` seconds.
    func isReady(now: Double, window: Double) -> Bool {
        state.withLock { $0.lastSuccess.map { now - $0 <= window } ?? false }
    }

    func exposition() -> String {
        let state = state.withLock { $0 }
        var families = state.lastRun.map { PrometheusExposition.families($0, cluster: cluster) } ?? []
        var threshold = PrometheusExposition.Family(name: "lfmaint_volume_threshold_ratio", help: "The volume's cleanup threshold (0-1).")
        var forecast = PrometheusExposition.Family(name: "lfmaint_volume_full_in_seconds",
                                                   help: "Forecast seconds until the volume is full (least-squares slope of free space); absent when not filling.")
        // On several replicas the volumes are the replicas' own, as the last sample found them.
        let shown = state.lastRun.map { $0.samples.map(\.volume) } ?? volumes
        for volume in shown {
            let labels = PrometheusExposition.volumeLabels(volume, cluster: cluster)
            threshold.add(labels, (thresholds[volume.name] ?? volume.replicaOf.flatMap { thresholds[$0] }).map { $0 / 100 })
            forecast.add(labels, state.forecasts[volume.name])
        }
        // Every ClickHouse volume's counters start at 0, so `increase()` sees the first run too.
        let cleaned = shown.filter { $0.component == .clickhouse }.map(\.name)
        var runs = counter("lfmaint_cleanup_runs_total", "Cleanup runs by outcome (\(Self.outcomes.joined(separator: ", "))).")
        for volume in cleaned {
            let seen = Set(state.cleanupRuns.keys.filter { $0.volume == volume }.map(\.value))
            for outcome in Self.outcomes + seen.subtracting(Self.outcomes).sorted() {
                runs.add([("volume", volume), ("outcome", outcome), ("cluster", cluster)], Double(state.cleanupRuns[LabelPair(volume: volume, value: outcome)] ?? 0))
            }
        }
        var freed = counter("lfmaint_cleanup_freed_bytes_total", "Bytes freed by cleanups, as measured on the volume.")
        for volume in cleaned {
            freed.add([("volume", volume), ("cluster", cluster)], Double(state.freedBytes[volume] ?? 0))
        }
        var actions = counter("lfmaint_volume_actions_total", "What the agent did with a volume's samples ("
            + VolumeAction.allCases.map(\.rawValue).joined(separator: ", ") + ").")
        for (key, count) in state.actions.sorted(by: { ($0.key.volume, $0.key.value) < ($1.key.volume, $1.key.value) }) {
            actions.add([("volume", key.volume), ("action", key.value), ("cluster", cluster)], Double(count))
        }
        if growing {
            families.append(resizes(state, volumes: shown.filter { $0.pvc != nil }.map(\.name)))
        }
        let clusterLabel = [("cluster", cluster)]
        var cycles = counter("lfmaint_cycles_total", "Sampling cycles run.")
        cycles.add(clusterLabel, Double(state.cycles))
        var failures = counter("lfmaint_cycle_failures_total", "Sampling cycles that failed (publishing or an error).")
        failures.add(clusterLabel, Double(state.cycleFailures))
        var duration = PrometheusExposition.Family(name: "lfmaint_cycle_duration_seconds", help: "Wall time of the last sampling cycle.")
        duration.add(clusterLabel, state.lastCycleSeconds)
        var success = PrometheusExposition.Family(name: "lfmaint_last_success_timestamp_seconds", help: "Unix time of the last cycle that succeeded.")
        success.add(clusterLabel, state.lastSuccess)
        var drift = PrometheusExposition.Family(name: "lfmaint_ttl_drift", help: "Tables whose TTL differs from the retention policy.")
        drift.add(clusterLabel, state.ttlDrift.map(Double.init))
        var ttlOK = PrometheusExposition.Family(name: "lfmaint_ttl_check_ok", help: "1 when the last TTL check could read the server, else 0.")
        ttlOK.add(clusterLabel, state.ttlCheckOK.map { $0 ? 1 : 0 })
        var notLasting = PrometheusExposition.Family(name: "lfmaint_ttl_not_lasting",
                                                     help: "System logs whose TTL the next ClickHouse restart undoes "
                                                         + "(set by ALTER, not in the server config).")
        notLasting.add(clusterLabel, state.ttlNotLasting.map(Double.init))
        families += [threshold, forecast, accounted(state.accounts), runs, freed, actions, cycles, failures, duration, success, drift,
                     ttlOK, notLasting]
        if state.lifecycleCheckOK != nil {
            var lifecycle = PrometheusExposition.Family(name: "lfmaint_s3_lifecycle_drift",
                                                        help: "1 when the event bucket's expiry rule is missing, differs "
                                                            + "or would be refused, else 0.")
            lifecycle.add(clusterLabel, state.lifecycleDrift.map(Double.init))
            var lifecycleOK = PrometheusExposition.Family(name: "lfmaint_s3_lifecycle_check_ok",
                                                          help: "1 when the last check could read the event bucket's lifecycle, else 0.")
            lifecycleOK.add(clusterLabel, state.lifecycleCheckOK.map { $0 ? 1 : 0 })
            families += [lifecycle, lifecycleOK]
        }
        return PrometheusExposition.render(families)
    }

    /// `lfmaint_volume_bytes`: each explained volume's bytes by kind, which add up to its used bytes.
    private func accounted(_ accounts: [VolumeAccount]) -> PrometheusExposition.Family {
        var family = PrometheusExposition.Family(name: "lfmaint_volume_bytes",
                                                 help: "Where the volume's used bytes went, by kind (lfmaint explain, every 5 min); "
                                                     + "they add up to its used bytes.")
        for account in accounts where account.error == nil {
            let labels = PrometheusExposition.volumeLabels(account.volume, cluster: cluster)
            for share in account.bytesByKind {
                family.add(labels.dropLast() + [("kind", share.kind.rawValue), ("cluster", cluster)], Double(share.bytes))
            }
        }
        return family
    }

    /// Every growable volume's counters start at 0, so `increase()` sees the first resize too.
    private func resizes(_ state: State, volumes: [String]) -> PrometheusExposition.Family {
        var family = counter("lfmaint_volume_resizes_total",
            "PVC resizes lfmaint asked for, by outcome (\(ResizeOutcome.allCases.map(\.rawValue).joined(separator: ", "))).")
        for volume in volumes {
            for outcome in ResizeOutcome.allCases.map(\.rawValue) {
                family.add([("volume", volume), ("outcome", outcome), ("cluster", cluster)],
                           Double(state.resizes[LabelPair(volume: volume, value: outcome)] ?? 0))
            }
        }
        return family
    }

    private func counter(_ name: String, _ help: String) -> PrometheusExposition.Family {
        PrometheusExposition.Family(name: name, help: help, type: "counter")
    }
}
