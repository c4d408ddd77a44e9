import LFMaintEdges

/// Orders every step that could free space, cheapest and least valuable first:
/// rotated logs, live system logs (only without headroom), system log partitions past their retention
/// and then down to their 1-day floor, then for each app retention tier (30 → 21 → 14 → 7 days, never
/// under the floor) whole expired partitions, oldest first, and the expired rows of each partition
/// straddling the cutoff. Pure: the same state always gives the same plan.
struct CleanupPlanner: Sendable {
    static let day: Int64 = 86_400
    var policy: CleanupPolicy
    var cluster: ClusterClause

    init(policy: CleanupPolicy, cluster: ClusterClause = .none) {
        self.policy = policy
        self.cluster = cluster
    }

    func plan(_ state: CleanupState) -> CleanupPlan {
        var dropped: Set<String> = []
        // How much of each straddling partition an earlier tier's delete already took, for the estimates.
        var deletedShare: [String: Double] = [:]
        let systemRules = policy.rules.filter { $0.kind == .systemLog }
        let dataRules = policy.rules.filter { $0.kind != .systemLog }
        // DROP TABLE needs no reservation, so rotated logs go first: on a disk too full for any ALTER
        // they are what frees the first megabyte.
        // System logs are each server's own: they are cleaned where they are measured, never ON CLUSTER.
        var steps = state.rotatedLogs.filter { SystemLogTables.isRotated($0.table) }.map {
            onServer($0.replica, CleanupStep(table: $0.table, action: .dropTable, column: $0.newest?.column, newestValue: $0.newest?.day,
                                       estimatedBytes: $0.totalBytes, reason: "rotated system log: nothing writes to it"))
        }
        steps += state.systemLogs.filter { SystemLogTables.isExpendable($0.table) }.sorted { $0.totalBytes > $1.totalBytes }.map {
            onServer($0.replica, CleanupStep(table: $0.table, action: .dropTable, estimatedBytes: $0.totalBytes,
                                       reason: "no headroom: every ALTER needs 1 MiB free; ClickHouse recreates this log empty", onlyWithoutHeadroom: true))
        }
        steps += drops(state, systemRules, days: max(policy.systemLogDays, policy.floor.systemLogDays), &dropped)
        steps += drops(state, systemRules, days: policy.floor.systemLogDays, &dropped)
        // A table configured to keep longer than the app tables starts its descent at its own days.
        let tiers = Set(policy.appTiers + dataRules.map { max($0.days, policy.floor.days) }).sorted(by: >)
        for days in tiers {
            steps += drops(state, dataRules, days: days, &dropped)
            steps += deletes(state, dataRules, days: days, dropped: dropped, &deletedShare)
        }
        return CleanupPlan(now: state.now, steps: steps, busyTables: state.busyTables, replicating: state.replicating)
    }

    /// A step on one replica's own table (a system log); nil: the one server.
    private func onServer(_ replica: String?, _ step: CleanupStep) -> CleanupStep {
        var step = step
        step.replicas = replica.map { [$0] } ?? []
        return step
    }

    /// A step on a partition runs where the partition is: on every replica that holds it.
    private func onHolders(_ partition: PartitionFacts, _ step: CleanupStep) -> CleanupStep {
        var step = step
        step.replicas = partition.replicas
        step.replicatedEngine = partition.replicatedEngine
        return step
    }

    /// One partition of one table, on the replicas that hold it (a system log's are each server's own).
    static func key(_ partition: PartitionFacts) -> String {
        "\(partition.table)#\(partition.partitionID)@\(partition.replicas.joined(separator: ","))"
    }

    private func cutoff(_ rule: RetentionRule, days: Int, now: Int64) -> Int64 {
        CleanupPolicy.cutoff(now: now, days: max(days, policy.floor.days(for: rule.table)))
    }

    /// On a cluster a partition goes whole only when its key proves every row it can hold is old: the
    /// newest row lfmaint can read is one server's, the DROP is every replica's. Otherwise its old rows go
    /// by DELETE, whose bound holds on every replica.
    private func drops(_ state: CleanupState, _ rules: [RetentionRule], days: Int, _ dropped: inout Set<String>) -> [CleanupStep] {
        var steps: [CleanupStep] = []
        for rule in rules {
            let cutoff = cutoff(rule, days: days, now: state.now)
            let clause = rule.kind == .systemLog ? ClusterClause.none : cluster
            for partition in state.partitions where partition.table == rule.table && partition.column.name == rule.column
                && partition.column.rowsEnd(newest: partition.newest) <= cutoff && (clause == .none || (partition.keyEnd ?? .max) <= cutoff) {
                guard dropped.insert(Self.key(partition)).inserted else { continue }
                steps.append(onHolders(partition, CleanupStep(
                    table: rule.table, action: .dropPartition, cluster: clause, partitionID: partition.partitionID, column: partition.column,
                    newestValue: partition.newest, keyEnd: partition.keyEnd, estimatedBytes: partition.bytes,
                    reason: "partition \(partition.partition): every row older than \(days) days\(Self.holders(partition))")))
            }
        }
        // Oldest rows first, whatever table holds them; then the larger partition.
        func order(_ step: CleanupStep) -> (Int64, Int64, String, String) {
            (step.column?.rowsEnd(newest: step.newestValue ?? 0) ?? 0, -step.estimatedBytes, step.table.description, step.partitionID?.description ?? "")
        }
        return steps.sorted { order($0) < order($1) }
    }

    /// The rows past the cutoff in each partition that straddles it, one partition at a time.
    private func deletes(_ state: CleanupState, _ rules: [RetentionRule], days: Int, dropped: Set<String>,
                         _ deletedShare: inout [String: Double]) -> [CleanupStep] {
        var steps: [CleanupStep] = []
        for rule in rules {
            let cutoff = cutoff(rule, days: days, now: state.now)
            for partition in state.partitions where partition.table == rule.table && partition.column.name == rule.column
                && !dropped.contains(Self.key(partition)) {
                guard let bound = partition.column.bound(before: cutoff), let older = Self.share(of: partition, before: bound) else { continue }
                let key = Self.key(partition)
                let estimate = Int64(Double(partition.bytes) * max(0, older - deletedShare[key, default: 0]))
                deletedShare[key] = older
                var step = onHolders(partition, CleanupStep(
                    table: rule.table, action: .deleteRows, cluster: cluster, partitionID: partition.partitionID, column: partition.column,
                    bound: bound, estimatedBytes: estimate, requiredFreeBytes: 2 * partition.bytes,
                    reason: "rows older than \(days) days in partition \(partition.partition), then APPLY DELETED MASK in that partition "
                        + "frees them\(Self.holders(partition))"))
                step.partitionBytes = partition.bytes
                steps.append(step)
            }
        }
        return steps
    }

    /// ", on 3 replicas": said when a partition's span is that of several servers together.
    static func holders(_ partition: PartitionFacts) -> String {
        partition.replicas.count > 1 ? ", on all \(partition.replicas.count) replicas that hold it" : ""
    }

    /// The share of a partition's span before `bound` (nil when none of it is): the estimate assumes rows
    /// spread evenly over the span.
    static func share(of partition: PartitionFacts, before bound: ColumnBound) -> Double? {
        let limit: Int64
        switch bound {
        case .day(let day): limit = day
        case .second(let second): limit = second
        }
        guard partition.oldest < limit else { return nil }
        let span = Double(partition.newest) - Double(partition.oldest) + 1
        return min(1, (Double(limit) - Double(partition.oldest)) / span)
    }

}
