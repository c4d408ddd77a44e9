import LFMaintEdges
import LFMaintSupport

/// What a cleanup would do, cheapest and least valuable first: the planner's whole answer.
struct CleanupPlan: Sendable, Equatable {
    /// The server's clock when the state was read: every cutoff and the floor are measured from it.
    var now: Int64
    var steps: [CleanupStep]
    /// Tables with unfinished mutations when the state was read.
    var busyTables: Set<QualifiedTableName>
    /// Where a replica had not caught up (`CleanupState.replicating`).
    var replicating: [ReplicationLag]

    init(now: Int64, steps: [CleanupStep], busyTables: Set<QualifiedTableName> = [], replicating: [ReplicationLag] = []) {
        self.now = now
        self.steps = steps
        self.busyTables = busyTables
        self.replicating = replicating
    }

    /// Why the step must wait for a replica to catch up on its table or partition; nil when none lags.
    func replicationHold(for step: CleanupStep) -> String? {
        let reasons = replicating.filter { $0.holds(step.table, step.partitionID) }.map(\.reason)
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}

/// One thing a cleanup may do to one table, with what it is expected to free and the free space it needs.
struct CleanupStep: Sendable, Equatable {
    /// One of `CleanupActions.all`, each in a file of its own (`Actions/`).
    typealias Action = Registered<CleanupActions>

    var table: QualifiedTableName
    var action: Action
    var cluster: ClusterClause
    var partitionID: PartitionName?
    /// The column rows are aged by (drop partition, delete rows).
    var column: TimeColumn?
    /// Drop partition: the newest value the plan saw in it; each part is read again before it goes.
    var newestValue: Int64?
    /// Drop partition: what its key proves about every row it can ever hold; required on a cluster.
    var keyEnd: Int64?
    /// Delete rows: rows before this go.
    var bound: ColumnBound?
    var estimatedBytes: Int64
    /// Delete rows: the bytes of the whole partition it rewrites.
    var partitionBytes: Int64 = 0
    /// The step is skipped unless the disk has at least this much available (mutations rewrite parts).
    var requiredFreeBytes: Int64
    /// Why this step is in the plan, for people.
    var reason: String
    /// Runs only when the disk has less free than `CleanupBudget.minimumHeadroomBytes`.
    var onlyWithoutHeadroom = false
    /// On several replicas: the URLs of the servers it runs on, each checked on its own (a system log is
    /// one server's; a partition goes from every replica that holds it); empty on one server.
    var replicas: [String] = []
    /// A rewrite sent to the first replica reaches the others by replication (`PartitionFacts.replicatedEngine`).
    var replicatedEngine = false

    init(table: QualifiedTableName, action: Action, cluster: ClusterClause = .none, partitionID: PartitionName? = nil,
                column: TimeColumn? = nil, newestValue: Int64? = nil, keyEnd: Int64? = nil, bound: ColumnBound? = nil, estimatedBytes: Int64,
                requiredFreeBytes: Int64 = 0, reason: String, onlyWithoutHeadroom: Bool = false) {
        self.table = table
        self.action = action
        self.cluster = cluster
        self.partitionID = partitionID
        self.column = column
        self.newestValue = newestValue
        self.keyEnd = keyEnd
        self.bound = bound
        self.estimatedBytes = estimatedBytes
        self.requiredFreeBytes = requiredFreeBytes
        self.reason = reason
        self.onlyWithoutHeadroom = onlyWithoutHeadroom
    }

    /// The statements the plan stands for (`CleanupAction.statements`).
    var statements: [ClickHouseStatement] { action.kind.statements(self) }

    var statementText: String { statements.map(\.sql).joined(separator: "; ") }
}
