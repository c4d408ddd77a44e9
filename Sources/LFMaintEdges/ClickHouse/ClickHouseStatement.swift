import LFMaintSupport

/// Every statement lfmaint sends that changes something, as a typed value: identifiers, partition and
/// part names, bounds and the cluster clause are values here and become SQL in one place (`sql`).
public enum ClickHouseStatement: Sendable, Equatable, CustomStringConvertible {
    case dropTable(QualifiedTableName, ClusterClause)
    case dropPartition(QualifiedTableName, PartitionName, ClusterClause)
    /// Parts by name, one after another in one statement; each writes an empty covering part and
    /// frees its own space before the next begins.
    case dropParts(QualifiedTableName, [PartitionName], ClusterClause)
    /// A lightweight DELETE limited to one partition: rows whose `column` is before `bound`.
    case deleteInPartition(QualifiedTableName, PartitionName, column: SQLIdentifier, before: ColumnBound, ClusterClause)
    /// The same DELETE for a server that does not know `IN PARTITION`: the partition as a filter.
    case deleteWherePartitionID(QualifiedTableName, PartitionName, column: SQLIdentifier, before: ColumnBound, ClusterClause)
    /// Rewrites the partition's parts without the rows a lightweight DELETE masked, one part at a time and
    /// without merging: unlike `OPTIMIZE … FINAL`, it keeps every version of a ReplacingMergeTree row.
    case applyDeletedMask(QualifiedTableName, PartitionName, ClusterClause)
    /// `MODIFY TTL <expression>` without rewriting existing parts.
    case modifyTTL(QualifiedTableName, TTLExpression, ClusterClause)
    case materializeTTL(QualifiedTableName, ClusterClause)
    case modifySettings(QualifiedTableName, [TableSetting], ClusterClause)
    case resetSettings(QualifiedTableName, [SQLIdentifier], ClusterClause)
    /// Pauses or resumes the removal of outdated parts of one table; a resume also runs it at once.
    case cleanupThread(QualifiedTableName, running: Bool)
    /// The cleanup lock's table: in memory, so that taking the lock writes nothing to a full disk.
    case createLockTable(QualifiedTableName)
    /// A holder's claim on the lock `name`, valid for `expirySeconds` by the server's clock.
    case claimLock(QualifiedTableName, name: String, holder: String, expirySeconds: Int)
    /// Removes a holder's claims, and every expired one.
    case releaseLock(QualifiedTableName, holder: String)

    public var sql: String {
        switch self {
        case let .dropTable(table, cluster):
            "DROP TABLE IF EXISTS \(table.quoted)\(cluster.sql) SYNC"
        case let .dropPartition(table, id, cluster):
            "ALTER TABLE \(table.quoted)\(cluster.sql) DROP PARTITION ID \(id.literal)"
        case let .dropParts(table, names, cluster):
            "ALTER TABLE \(table.quoted)\(cluster.sql) " + names.map { "DROP PART \($0.literal)" }.joined(separator: ", ")
        case let .deleteInPartition(table, id, column, bound, cluster):
            "DELETE FROM \(table.quoted)\(cluster.sql) IN PARTITION ID \(id.literal) WHERE \(column.quoted) < \(bound.literal)"
        case let .deleteWherePartitionID(table, id, column, bound, cluster):
            "DELETE FROM \(table.quoted)\(cluster.sql) WHERE _partition_id = \(id.literal) AND \(column.quoted) < \(bound.literal)"
        case let .applyDeletedMask(table, id, cluster):
            "ALTER TABLE \(table.quoted)\(cluster.sql) APPLY DELETED MASK IN PARTITION ID \(id.literal) SETTINGS mutations_sync = 2"
        case let .modifyTTL(table, expression, cluster):
            "ALTER TABLE \(table.quoted)\(cluster.sql) MODIFY TTL \(expression.sql) SETTINGS materialize_ttl_after_modify = 0"
        case let .materializeTTL(table, cluster):
            "ALTER TABLE \(table.quoted)\(cluster.sql) MATERIALIZE TTL"
        case let .modifySettings(table, settings, cluster):
            "ALTER TABLE \(table.quoted)\(cluster.sql) MODIFY SETTING \(settings.map { "\($0.name.name) = \($0.value)" }.joined(separator: ", "))"
        case let .resetSettings(table, names, cluster):
            "ALTER TABLE \(table.quoted)\(cluster.sql) RESET SETTING \(names.map(\.name).joined(separator: ", "))"
        case let .cleanupThread(table, running):
            "SYSTEM \(running ? "START" : "STOP") CLEANUP \(table.quoted)"
        case let .createLockTable(table):
            "CREATE TABLE IF NOT EXISTS \(table.quoted) (name String, holder String, acquired DateTime64(6), expires DateTime) ENGINE = Memory"
        case let .claimLock(table, _, _, _):
            "INSERT INTO \(table.quoted) SELECT {name:String}, {holder:String}, now64(6), now() + {expiry:UInt32}"
        case let .releaseLock(table, _):
            "ALTER TABLE \(table.quoted) DELETE WHERE holder = {holder:String} OR expires <= now()"
        }
    }

    /// Values the statement's `{name:Type}` placeholders take: sent as query parameters, never in the SQL.
    var parameters: [String: String] {
        switch self {
        case let .claimLock(_, name, holder, expiry): ["name": name, "holder": holder, "expiry": String(expiry)]
        case let .releaseLock(_, holder): ["holder": holder]
        default: [:]
        }
    }

    public var description: String { sql }
}

/// A MergeTree table setting with a whole-number value.
public struct TableSetting: Sendable, Equatable {
    public let name: SQLIdentifier
    public let value: Int64

    public init(_ name: String, _ value: Int64) {
        self.name = SQLIdentifier(name)!
        self.value = value
    }
}

/// ` ON CLUSTER `name`` when Langfuse runs ClickHouse in cluster mode; it follows the table name.
public enum ClusterClause: Sendable, Equatable {
    case none
    case onCluster(SQLIdentifier)

    var sql: String {
        switch self {
        case .none: ""
        case .onCluster(let name): " ON CLUSTER \(name.quoted)"
        }
    }
}

/// A partition ID (`202611`, `all`) or a part name (`202611_1_5_1`) as the server reported it: digits,
/// letters, `_` and `-` only; anything else is never written into a statement.
public struct PartitionName: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 256, text.utf8.allSatisfy({
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
        }) else { return nil }
        self.text = text
    }

    var literal: String { "'\(text)'" }
    public var description: String { text }
}

/// `timestamp + INTERVAL 30 DAY`, or `toDateTime(timestamp) + …` for DateTime64, which ClickHouse before
/// 25.7 refuses in a TTL.
public struct TTLExpression: Sendable, Equatable {
    let column: SQLIdentifier
    let kind: TimeColumn.Kind
    let days: Int

    public init(column: SQLIdentifier, kind: TimeColumn.Kind, days: Int) {
        self.column = column
        self.kind = kind
        self.days = days
    }

    public var sql: String {
        kind == .dateTime64 ? "toDateTime(\(column.quoted)) + INTERVAL \(days) DAY" : "\(column.quoted) + INTERVAL \(days) DAY"
    }
}
