import LFMaintSupport

/// The arithmetic of a cleanup run, pure: how full the volume is (measured, or estimated in a dry run),
/// the space still to come back from outdated parts, what the caps have left, and whether a step may
/// run now. The executor asks it before every step and tells it what happened after.
struct CleanupBudget: Sendable, Equatable {
    enum Verdict: Sendable, Equatable {
        case run
        /// Not needed now; left out of the report unless asked for.
        case notNeeded(String)
        /// Needed but not allowed: the free space, a busy table.
        case refused(String)
        /// A cap would be passed: this step and every one after it are refused, so that a younger or
        /// smaller step never goes in place of an older one that did not fit.
        case capReached(String)
    }

    /// Every ALTER, TRUNCATE or OPTIMIZE reserves 1 MiB first; under this much free, only DROP TABLE works.
    static let minimumHeadroomBytes: Int64 = 4 << 20

    let total: Int64
    private(set) var used: Int64
    private(set) var free: Int64
    /// On several replicas: each one's available space, by URL; a step needs its headroom on every replica it runs on.
    private(set) var availableByReplica: [String: Int64]
    /// On several replicas: the URL of the fullest, whose usage `used` and `total` are.
    private(set) var fullestReplica: String?
    /// What outdated parts left by finished rewrites still hold: it comes back on its own, late, and
    /// is counted rather than chased with deeper deletes.
    private(set) var pendingRelief: Int64 = 0
    let targetPercent: Int
    let maxDropBytes: Int64?
    let maxPartitions: Int
    /// Estimated bytes of every step that reached the server (failed ones too: a timed-out statement may still run).
    private(set) var removedBytes: Int64 = 0
    private(set) var droppedPartitions = 0
    /// Set once a cap refused a step; every later step is refused with it.
    private(set) var capReachedReason: String?

    init(used: Int64, free: Int64, total: Int64, policy: CleanupPolicy, availableByReplica: [String: Int64] = [:],
                fullestReplica: String? = nil) {
        self.used = used
        self.free = free
        self.availableByReplica = availableByReplica
        self.fullestReplica = fullestReplica
        self.total = max(total, 1)
        targetPercent = policy.targetPercent
        maxDropBytes = policy.maxDropBytes
        maxPartitions = policy.maxPartitions
    }

    var usage: Double { Double(used) / Double(total) * 100 }
    /// Usage once the pending relief is in.
    var expectedUsage: Double { Double(used - pendingRelief) / Double(total) * 100 }
    var reachedTarget: Bool { expectedUsage < Double(targetPercent) }

    /// Whether the step may run now. A cap that refuses a step stays reached for the rest of the run.
    /// `replicating`: why a replica has not caught up on the step's table, if one has not.
    mutating func verdict(for step: CleanupStep, busy: Bool, waitMutations: Bool, replicating: String? = nil) -> Verdict {
        let verdict = uncappedVerdict(for: step, busy: busy, waitMutations: waitMutations, replicating: replicating)
        if case .capReached(let reason) = verdict, capReachedReason == nil {
            capReachedReason = reason.components(separatedBy: ",").first ?? reason
        }
        return verdict
    }

    /// A fresh measurement: the fullest volume, and each replica's available space.
    init(_ reading: VolumeReading, policy: CleanupPolicy) {
        self.init(used: reading.used, free: reading.available, total: reading.total, policy: policy,
                  availableByReplica: reading.availableByReplica, fullestReplica: reading.volume.replica)
    }

    /// The least free space among the replicas the step runs on (none measured: none free); the volume's on one server.
    func free(for step: CleanupStep) -> Int64 {
        step.replicas.isEmpty ? free : step.replicas.map { availableByReplica[$0] ?? 0 }.min() ?? 0
    }

    private func uncappedVerdict(for step: CleanupStep, busy: Bool, waitMutations: Bool, replicating: String?) -> Verdict {
        let free = free(for: step)
        if reachedTarget {
            let pending = pendingRelief > 0 ? ", counting \(ByteCount.readable(pendingRelief)) of outdated parts still to be removed" : ""
            return .notNeeded("not needed: usage is \(Percent.text(expectedUsage)) before it\(pending), under the target \(targetPercent)%")
        }
        if step.onlyWithoutHeadroom, free >= Self.minimumHeadroomBytes {
            return .notNeeded("not needed: the disk has \(ByteCount.readable(free)) free, enough headroom for the steps below")
        }
        if let capReachedReason {
            return .capReached("\(capReachedReason) at an earlier step")
        }
        if step.action.dropsPartition, droppedPartitions >= maxPartitions {
            return .capReached("cap reached: \(maxPartitions) partitions per run")
        }
        // A step estimated at nothing may still remove rows: it counts as a byte at least.
        if let cap = maxDropBytes, removedBytes + max(step.estimatedBytes, 1) > cap {
            return .capReached("cap reached: --max-drop-gb \(ByteCount.readable(cap)) per run, \(ByteCount.readable(removedBytes)) used, "
                + "this step \(ByteCount.readable(step.estimatedBytes))")
        }
        if let replicating {
            return .refused("\(step.table) is still replicating (\(replicating)); it waits for the next run")
        }
        if step.action.rewritesParts, busy, !waitMutations {
            return .refused("\(step.table) has unfinished mutations (system.mutations); --wait-mutations waits for them")
        }
        if step.requiredFreeBytes > free {
            return .refused("needs \(ByteCount.readable(step.requiredFreeBytes)) free to rewrite its partition, "
                + "the disk has \(ByteCount.readable(free))\(step.replicas.count > 1 ? " on the fullest replica that holds it" : "")")
        }
        return .run
    }

    /// The step reached the server: its estimate counts against the caps, whatever came of it.
    mutating func charge(_ step: CleanupStep) {
        removedBytes += max(step.estimatedBytes, 1)
        if step.action.dropsPartition { droppedPartitions += 1 }
    }

    /// A fresh reading, and what outdated parts still hold beyond it.
    mutating func measured(_ reading: VolumeReading, pendingRelief: Int64) {
        measured(used: reading.used, free: reading.available, pendingRelief: pendingRelief)
        availableByReplica = reading.availableByReplica
        fullestReplica = reading.volume.replica
    }

    mutating func measured(used: Int64, free: Int64, pendingRelief: Int64) {
        self.used = used
        self.free = free
        self.pendingRelief = min(max(0, pendingRelief), used)
    }

    /// A dry run: as if the step freed what it is estimated to, on each replica it runs on (the usage
    /// is the fullest replica's: a step elsewhere leaves it as it is).
    mutating func assume(_ step: CleanupStep) {
        for replica in step.replicas { availableByReplica[replica]? += step.estimatedBytes }
        guard step.replicas.isEmpty || fullestReplica.map(step.replicas.contains) ?? true else { return }
        let freed = min(step.estimatedBytes, used)
        used -= freed
        free += freed
    }
}
