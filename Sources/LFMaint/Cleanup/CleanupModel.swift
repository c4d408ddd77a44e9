/// One partition of a table lfmaint may clean, with the time span of its rows (from the minmax index
/// of the partition key's time column in `system.parts`), in server epoch seconds.
public struct PartitionFacts: Sendable, Equatable {
    public var table: QualifiedTableName
    public var partition: String
    public var partitionID: String
    public var minTime: Int64
    public var maxTime: Int64
    public var bytes: Int64

    public init(table: QualifiedTableName, partition: String, partitionID: String, minTime: Int64, maxTime: Int64, bytes: Int64) {
        self.table = table
        self.partition = partition
        self.partitionID = partitionID
        self.minTime = minTime
        self.maxTime = maxTime
        self.bytes = bytes
    }
}

/// What the planner knows when it plans: the server's clock, the tables' partitions, rotated logs and
/// tables with unfinished mutations.
public struct CleanupState: Sendable, Equatable {
    public var now: Int64
    public var partitions: [PartitionFacts]
    public var rotatedLogs: [TableSize]
    /// The live system log tables and their sizes: dropped whole only when the disk has no headroom.
    public var systemLogs: [TableSize]
    public var busyTables: Set<QualifiedTableName>

    public init(now: Int64, partitions: [PartitionFacts], rotatedLogs: [TableSize] = [], systemLogs: [TableSize] = [],
                busyTables: Set<QualifiedTableName> = []) {
        self.now = now
        self.partitions = partitions
        self.rotatedLogs = rotatedLogs
        self.systemLogs = systemLogs
        self.busyTables = busyTables
    }
}

/// The limits a cleanup run works within; thresholds and steps are data, not branches.
public struct CleanupPolicy: Sendable, Equatable {
    public var thresholdPercent: Int
    public var targetPercent: Int
    /// App rows newer than this are never touched.
    public var floorDays: Int
    /// System log rows newer than this are never touched.
    public var systemLogFloorDays = 1
    public var rules: [RetentionRule]
    public var systemLogDays: Int
    public var appDays: Int
    public var maxDropBytes: Int64?
    public var maxPartitions = 1000

    /// `volume`: the volume being freed, whose own threshold wins.
    public init(config: Configuration, rules: [RetentionRule], volume: VolumeSettings? = nil) {
        thresholdPercent = volume.map(config.cleanup.thresholdPercent(for:)) ?? config.cleanup.thresholdPercent
        targetPercent = volume.map(config.cleanup.targetPercent(for:)) ?? config.cleanup.effectiveTargetPercent
        floorDays = config.cleanup.floorDays
        systemLogDays = config.retention.systemLogDays
        appDays = config.retention.appDays
        maxDropBytes = config.cleanup.maxDropGB.map { Int64($0 * Double(1 << 30)) }
        self.rules = rules
    }

    /// App retention tiers, longest first: the configured days, then 21, 14, 7, never under the floor.
    public var appTiers: [Int] {
        Array(Set([appDays, 21, 14, 7, floorDays].filter { $0 >= floorDays && $0 <= max(appDays, floorDays) })).sorted(by: >)
    }
}

/// One statement a cleanup may run, with what it is expected to free and the free space it needs first.
public struct CleanupStep: Sendable, Equatable {
    public enum Action: String, Sendable {
        case dropPartition = "drop partition"
        /// Only system log tables: rotated ones always, live ones (ClickHouse recreates them) only
        /// when the disk lacks the 1 MiB every ALTER, TRUNCATE or OPTIMIZE must reserve.
        case dropTable = "drop table"
        case deleteRows = "delete rows"
        case optimizePartition = "optimize partition"

        /// Removes whole parts or tables: what `--max-drop-gb` counts.
        public var drops: Bool { self == .dropPartition || self == .dropTable }
        /// Rewrites parts as a mutation or a merge: waits for (or skips) tables with unfinished mutations.
        public var rewritesParts: Bool { self == .deleteRows || self == .optimizePartition }
    }

    public var table: QualifiedTableName
    public var action: Action
    public var statement: String
    public var estimatedBytes: Int64
    /// The step is skipped unless the disk has at least this much available (mutations rewrite parts).
    public var requiredFreeBytes: Int64
    /// Why this step is in the plan, for people.
    public var reason: String
    /// The newest row this step may remove (epoch seconds); the guard checks it against the floor.
    public var newestRemovable: Int64?
    public var partitionID: String?
    /// Runs only when the disk has less free than `CleanupExecutor.minimumHeadroomBytes`.
    public var onlyWithoutHeadroom = false

    public init(table: QualifiedTableName, action: Action, statement: String, estimatedBytes: Int64, requiredFreeBytes: Int64 = 0,
                reason: String, newestRemovable: Int64?, partitionID: String? = nil, onlyWithoutHeadroom: Bool = false) {
        self.table = table
        self.action = action
        self.statement = statement
        self.estimatedBytes = estimatedBytes
        self.requiredFreeBytes = requiredFreeBytes
        self.reason = reason
        self.newestRemovable = newestRemovable
        self.partitionID = partitionID
        self.onlyWithoutHeadroom = onlyWithoutHeadroom
    }
}
