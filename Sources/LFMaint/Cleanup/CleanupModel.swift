import LFMaintEdges
import LFMaintSupport

/// One partition of a table lfmaint may clean, with the span of its rows on the rule's time column
/// (values as `TimeColumn` describes them: days for dates, seconds for instants).
struct PartitionFacts: Sendable, Equatable {
    var table: QualifiedTableName
    /// The partition as the server prints it, for people.
    var partition: String
    var partitionID: PartitionName
    var column: TimeColumn
    var oldest: Int64
    var newest: Int64
    var bytes: Int64
    /// What the partition key proves about every row the partition can hold (`PartitionKeyBound`), or nil.
    var keyEnd: Int64?
    /// On several replicas: the URLs of those that hold the partition (its span and size are theirs
    /// together); empty on one server.
    var replicas: [String] = []
    /// The table's engine replicates (`Replicated…MergeTree`): a rewrite sent to one replica reaches them all.
    var replicatedEngine = false

    init(table: QualifiedTableName, partition: String, partitionID: PartitionName, column: TimeColumn, oldest: Int64, newest: Int64,
                bytes: Int64, keyEnd: Int64? = nil) {
        self.keyEnd = keyEnd
        self.table = table
        self.partition = partition
        self.partitionID = partitionID
        self.column = column
        self.oldest = oldest
        self.newest = newest
        self.bytes = bytes
    }
}

/// What the planner knows when it plans: the server's clock, the tables' partitions, rotated logs,
/// tables with unfinished mutations and tables still replicating.
struct CleanupState: Sendable, Equatable {
    var now: Int64
    var partitions: [PartitionFacts]
    var rotatedLogs: [TableSize]
    /// The live system log tables and their sizes: dropped whole only when the disk has no headroom.
    var systemLogs: [TableSize]
    var busyTables: Set<QualifiedTableName>
    /// Where some replica has not caught up (`SystemCatalog.replicationLag`), each reason naming the
    /// replica: nothing destructive touches that table or partition until it has.
    var replicating: [ReplicationLag]

    init(now: Int64, partitions: [PartitionFacts], rotatedLogs: [TableSize] = [], systemLogs: [TableSize] = [],
                busyTables: Set<QualifiedTableName> = [], replicating: [ReplicationLag] = []) {
        self.now = now
        self.partitions = partitions
        self.rotatedLogs = rotatedLogs
        self.systemLogs = systemLogs
        self.busyTables = busyTables
        self.replicating = replicating
    }
}

/// The ages under which nothing is ever deleted: ClickHouse's own logs keep one day, every other table
/// the configured floor. The planner plans above it; the guard checks every step against it on its own.
struct CleanupFloor: Sendable, Equatable {
    var days: Int
    var systemLogDays = 1

    init(days: Int) {
        self.days = days
    }

    func days(for table: QualifiedTableName) -> Int {
        SystemLogTables.isSystemLog(table) ? systemLogDays : days
    }

    /// Rows must end by this instant to be in reach: `now` less the table's floor.
    func cutoff(for table: QualifiedTableName, now: Int64) -> Int64 {
        CleanupPolicy.cutoff(now: now, days: days(for: table))
    }
}

/// The limits a cleanup run works within; thresholds and steps are data, not branches.
struct CleanupPolicy: Sendable, Equatable {
    var thresholdPercent: Int
    var targetPercent: Int
    var floor: CleanupFloor
    var rules: [RetentionRule]
    var systemLogDays: Int
    var appDays: Int
    var maxDropBytes: Int64?
    var maxPartitions = 1000

    static let day: Int64 = 86_400

    /// `volume`: the volume being freed, whose own threshold wins.
    init(config: Configuration, rules: [RetentionRule], volume: VolumeSettings? = nil) {
        thresholdPercent = volume.map(config.cleanup.thresholdPercent(for:)) ?? config.cleanup.thresholdPercent
        targetPercent = volume.map(config.cleanup.targetPercent(for:)) ?? config.cleanup.effectiveTargetPercent
        floor = CleanupFloor(days: config.cleanup.floorDays)
        systemLogDays = config.retention.systemLogDays
        appDays = config.retention.appDays
        maxDropBytes = config.cleanup.maxDropGB.map { ByteCount.bytes(gibibytes: $0) }
        self.rules = rules
    }

    /// App retention tiers, longest first: the configured days, then 21, 14, 7, never under the floor.
    var appTiers: [Int] {
        Array(Set([appDays, 21, 14, 7, floor.days].filter { $0 >= floor.days && $0 <= max(appDays, floor.days) })).sorted(by: >)
    }

    /// `now` less `days` days, without overflow (days are checked on entry; this never traps).
    static func cutoff(now: Int64, days: Int) -> Int64 {
        let (span, overflow) = Int64(days).multipliedReportingOverflow(by: day)
        return overflow ? .min : now &- span
    }
}
