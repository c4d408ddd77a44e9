import LFMaintEdges

/// What the planner's rounds share: the state read, the policy, and what earlier steps already take.
struct CleanupPlanning: Sendable {
    let state: CleanupState
    let policy: CleanupPolicy
    let cluster: ClusterClause
    /// Partitions a drop-partition step already covers (`key`): no later step deletes from them.
    var dropped: Set<String> = []
    /// How much of each straddling partition an earlier tier's delete already took, for the estimates.
    var deletedShare: [String: Double] = [:]

    init(state: CleanupState, policy: CleanupPolicy, cluster: ClusterClause) {
        self.state = state
        self.policy = policy
        self.cluster = cluster
    }

    func cutoff(_ rule: RetentionRule, days: Int) -> Int64 {
        CleanupPolicy.cutoff(now: state.now, days: max(days, policy.floor.days(for: rule.table)))
    }

    /// A step on one replica's own table (a system log); nil: the one server.
    func onServer(_ replica: String?, _ step: CleanupStep) -> CleanupStep {
        var step = step
        step.replicas = replica.map { [$0] } ?? []
        return step
    }

    /// A step on a partition runs where the partition is: on every replica that holds it.
    func onHolders(_ partition: PartitionFacts, _ step: CleanupStep) -> CleanupStep {
        var step = step
        step.replicas = partition.replicas
        step.replicatedEngine = partition.replicatedEngine
        return step
    }

    /// One partition of one table, on the replicas that hold it (a system log's are each server's own).
    static func key(_ partition: PartitionFacts) -> String {
        "\(partition.table)#\(partition.partitionID)@\(partition.replicas.joined(separator: ","))"
    }

    /// ", on all 3 replicas that hold it": said when a partition's span is that of several servers together.
    static func holders(_ partition: PartitionFacts) -> String {
        partition.replicas.count > 1 ? ", on all \(partition.replicas.count) replicas that hold it" : ""
    }
}
