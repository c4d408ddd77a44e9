/// On several replicas the planner sees one state. Langfuse's tables are one table held by every replica
/// (Replicated engines in cluster mode): a partition's span is that of all the replicas that hold it, so
/// it is old only when it is old on each of them, and its size is its largest copy. ClickHouse's own logs
/// are each server's and stay apart, each with its replica. Pure: tested with plain values.
enum ReplicaCleanupState {
    struct Reading: Sendable {
        var replica: String
        var state: CleanupState
        /// Where this replica has not caught up (`SystemCatalog.replicationLag`).
        var lag: [ReplicationLag]

        init(replica: String, state: CleanupState, lag: [ReplicationLag] = []) {
            self.replica = replica
            self.state = state
            self.lag = lag
        }
    }

    static func merge(_ readings: [Reading]) -> CleanupState {
        var shared: [String: PartitionFacts] = [:]
        var order: [String] = []
        var own: [PartitionFacts] = []
        for reading in readings {
            for partition in reading.state.partitions {
                var partition = partition
                partition.replicas = [reading.replica]
                guard !SystemLogTables.isEachServersOwn(partition.table) else {
                    own.append(partition)
                    continue
                }
                let key = "\(partition.table)#\(partition.partitionID)#\(partition.column.name)"
                guard let known = shared[key] else {
                    shared[key] = partition
                    order.append(key)
                    continue
                }
                shared[key] = joined(known, partition)
            }
        }
        let replicating = readings.flatMap { reading in
            reading.lag.map { ReplicationLag(table: $0.table, partition: $0.partition, reason: "\(reading.replica): \($0.reason)") }
        }
        return CleanupState(
            now: readings.map(\.state.now).min() ?? 0,
            partitions: order.compactMap { shared[$0] } + own,
            rotatedLogs: readings.flatMap { reading in reading.state.rotatedLogs.map { with($0, reading.replica) } },
            systemLogs: readings.flatMap { reading in reading.state.systemLogs.map { with($0, reading.replica) } },
            busyTables: readings.reduce(into: Set()) { $0.formUnion($1.state.busyTables) },
            replicating: replicating)
    }

    /// One partition as two replicas hold it: the oldest and newest row of either, the larger copy, and a key
    /// bound only when both have one.
    static func joined(_ known: PartitionFacts, _ other: PartitionFacts) -> PartitionFacts {
        var partition = known
        partition.oldest = min(known.oldest, other.oldest)
        partition.newest = max(known.newest, other.newest)
        partition.bytes = max(known.bytes, other.bytes)
        partition.keyEnd = known.keyEnd.flatMap { mine in other.keyEnd.map { max(mine, $0) } }
        partition.replicas = known.replicas + other.replicas
        partition.replicatedEngine = known.replicatedEngine || other.replicatedEngine
        return partition
    }

    private static func with(_ table: TableSize, _ replica: String) -> TableSize {
        var table = table
        table.replica = replica
        return table
    }
}
