import Foundation
import LFMaintEdges
import LFMaintSupport

/// One measurement of the volume the cleanup works on.
struct VolumeReading: Sendable, Equatable {
    var volume: VolumeSettings
    var usage: Double
    var available: Int64
    var used: Int64
    var total: Int64

    /// On several replicas: each one's least available space, by URL.
    var availableByReplica: [String: Int64] = [:]

    /// The fullest of the samples; nil when any of them is unknown (an unknown sample never deletes).
    init?(fullestOf samples: [VolumeSample]) {
        guard !samples.isEmpty, samples.allSatisfy({ $0.status == .ok }),
              let fullest = samples.max(by: { ($0.usagePercent ?? 0) < ($1.usagePercent ?? 0) }),
              let usage = fullest.usagePercent, let total = fullest.totalBytes, let available = fullest.availableBytes,
              total > 0, available >= 0, available <= total else { return nil }
        self.volume = fullest.volume
        self.usage = usage
        self.available = available
        self.used = total - available
        self.total = total
        for sample in samples {
            guard let replica = sample.volume.replica, let available = sample.availableBytes else { continue }
            availableByReplica[replica] = min(available, availableByReplica[replica] ?? .max)
        }
    }
}

/// Runs a cleanup plan: before each step the budget (target, caps, headroom) and the guard (the floor)
/// decide, the lock is renewed and verified when due; the step runs with its own query_id; a fresh sample and
/// the space still pending from outdated parts go back into the budget. A dry run does the same
/// arithmetic with the steps' estimates. The run stops once usage, counting pending space, is under the target.
public struct CleanupExecutor: Sendable {
    /// How a run goes: the `cleanup` settings (with a command's one-off flags applied), and whether it
    /// only plans.
    public struct Options: Sendable {
        let settings: CleanupSettings
        let dryRun: Bool
        /// How long a rewrite waits for the parts it replaced to leave the disk.
        var reliefWaitSeconds = 60.0

        /// The configuration's defaults.
        init() { self.init(CleanupSettings(), dryRun: false) }

        public init(_ settings: CleanupSettings, dryRun: Bool) {
            self.settings = settings
            self.dryRun = dryRun
        }
    }

    let client: ClickHouseClient
    let policy: CleanupPolicy
    let options: Options
    let audit: CleanupAudit
    /// A fresh reading of the volume, nil when unknown.
    let measure: @Sendable () async -> VolumeReading?
    /// Renewed and verified before every step; a run that cannot keep it stops.
    let lock: CleanupLock?
    /// Several replicas: each step runs on the replicas it names. nil: the one server behind `client`.
    let replicas: ReplicaSet?

    init(client: ClickHouseClient, policy: CleanupPolicy, options: Options, audit: CleanupAudit, lock: CleanupLock? = nil,
                replicas: ReplicaSet? = nil, measure: @escaping @Sendable () async -> VolumeReading?) {
        self.client = client
        self.replicas = replicas
        self.policy = policy
        self.options = options
        self.audit = audit
        self.lock = lock
        self.measure = measure
    }

    func run(_ plan: CleanupPlan, before reading: VolumeReading) async -> CleanupRun {
        var budget = CleanupBudget(reading, policy: policy)
        var run = CleanupRun(thresholdPercent: policy.thresholdPercent, targetPercent: policy.targetPercent, before: reading.usage,
                             after: reading.usage, dryRun: options.dryRun)
        let runner = CleanupStepRunner(client: client, floor: policy.floor, options: options, lock: lock)
        var pending = PendingRelief()
        var latest = reading
        let runID = String(UUID().uuidString.prefix(8).lowercased())
        for (index, planned) in plan.steps.enumerated() {
            // Counted only while a step can still be needed: once the target is reached, no estimate matters.
            let step = budget.reachedTarget ? planned : await counted(planned)
            var outcome = CleanupOutcome(step: step, status: .skipped, usageBefore: budget.usage)
            if Task.isCancelled {
                run.conclusion = "stopped before step \(index + 1) of \(plan.steps.count): lfmaint is shutting down"
                break
            }
            switch budget.verdict(for: step, busy: plan.busyTables.contains(step.table), waitMutations: options.settings.waitMutations,
                                  replicating: plan.replicationHold(for: step)) {
            case .notNeeded(let reason):
                outcome.status = .notNeeded
                outcome.reason = reason
                run.outcomes.append(outcome)
                continue
            case .refused(let reason), .capReached(let reason):
                outcome.reason = reason
                run.outcomes.append(outcome)
                continue
            case .run:
                break
            }
            do {
                try CleanupGuard.check(step, floor: policy.floor, now: plan.now)
            } catch {
                outcome.reason = String(describing: error)
                run.outcomes.append(outcome)
                continue
            }
            if options.dryRun {
                budget.charge(step)
                budget.assume(step)
                outcome.status = .planned
                outcome.freedBytes = step.estimatedBytes
                outcome.usageAfter = budget.usage
                run.outcomes.append(outcome)
                continue
            }
            if let lock, await !lock.renewIfDue() {
                run.conclusion = "the cleanup lock could not be renewed or was lost; stopped before step \(index + 1) of \(plan.steps.count) "
                    + "so that two runs never overlap"
                run.interrupted = true
                break
            }
            let started = Date()
            outcome = await runner.run(step, outcome, queryID: "lfmaint-cleanup-\(runID)-\(index + 1)", now: plan.now, replicas: replicas,
                                       freedBytes: Self.freed(since: reading, now: latest))
            outcome.started = started
            outcome.finished = Date()
            // Every step that reached the server counts against the caps, failed ones too (a timed-out
            // statement may still run, a part-by-part drop that failed midway dropped some parts).
            if outcome.status != .skipped { budget.charge(step) }
            if let partition = step.partitionID, outcome.pendingBytes > 0 {
                pending.add(step.table, partition, outcome.pendingBytes, replicas: step.replicas)
            }
            let measured = await measure()
            if let measured {
                latest = measured
                await pending.refresh { replica in
                    guard let replica else { return SystemCatalog(client: client) }
                    return replicas?.replica(url: replica).map { SystemCatalog(client: $0.client) }
                }
                outcome.freedBytes = budget.used - measured.used
                outcome.usageAfter = measured.usage
                budget.measured(measured, pendingRelief: pending.bytes(on: measured.volume.replica))
            }
            await audit.record(outcome, runID: runID)
            run.outcomes.append(outcome)
            if outcome.lostLock {
                run.conclusion = "the cleanup lock was lost during step \(index + 1) of \(plan.steps.count); stopped so that two runs never overlap"
                run.interrupted = true
                break
            }
            guard measured != nil else {
                // Without a reading the run cannot know it reached the target: an unknown never deletes more.
                run.conclusion = "usage became unknown after step \(index + 1) of \(plan.steps.count); stopped"
                run.interrupted = true
                break
            }
        }
        run.after = budget.usage
        run.pendingBytes = budget.pendingRelief
        if run.conclusion.isEmpty { run.conclusion = Self.conclusion(budget) }
        return run
    }

    /// What the run has freed on the volume it began on: nothing when the fullest volume is another now
    /// (two volumes' used bytes do not subtract).
    static func freed(since start: VolumeReading, now: VolumeReading) -> Int64 {
        now.volume == start.volume ? max(0, start.used - now.used) : 0
    }

    /// The step's estimate from what it would remove now, where its action reads one (`CleanupAction.counted`):
    /// the caps count this figure.
    private func counted(_ step: CleanupStep) async -> CleanupStep {
        // On several replicas the first that holds the partition answers for it.
        let answering = step.replicas.first.flatMap { replicas?.replica(url: $0)?.client } ?? client
        return await step.action.kind.counted(step, catalog: SystemCatalog(client: answering))
    }

    static func conclusion(_ budget: CleanupBudget) -> String {
        let target = budget.targetPercent
        if budget.usage < Double(target) { return "usage \(Percent.text(budget.usage)) is under the target \(target)%" }
        if budget.reachedTarget {
            return "usage \(Percent.text(budget.usage)) falls to \(Percent.text(budget.expectedUsage)), under the target \(target)%, once "
                + "\(ByteCount.readable(budget.pendingRelief)) of outdated parts leave the disk (old_parts_lifetime); no deeper cleanup is needed"
        }
        return "every allowed step was tried; usage is \(Percent.text(budget.usage))"
    }
}
