import LFMaintSupport
import LFMaintEdges

/// What the server says about a table that a retention rule names.
public struct TableFacts: Sendable, Equatable {
    public var table: QualifiedTableName
    public var engine: String
    public var engineFull: String
    public var partitionKey: String
    /// Every column's type by name.
    public var columnTypes: [String: String]
    public var totalBytes: Int64
    /// Length of `create_table_query`: an ALTER that leaves it over `max_query_size` is refused.
    public var definitionBytes: Int

    public init(table: QualifiedTableName, engine: String, engineFull: String, partitionKey: String, columnTypes: [String: String],
                totalBytes: Int64, definitionBytes: Int = 0) {
        self.table = table
        self.engine = engine
        self.engineFull = engineFull
        self.partitionKey = partitionKey
        self.columnTypes = columnTypes
        self.totalBytes = totalBytes
        self.definitionBytes = definitionBytes
    }
}

/// A table and its size: a rotated system log (`<name>_N`, which nothing writes to any more), or a
/// live system log the cleanup may drop whole.
public struct TableSize: Sendable, Equatable {
    public var table: QualifiedTableName
    public var totalBytes: Int64
    /// A rotated log: its date column and the newest day it holds (a log rotated today holds today's rows).
    public var newest: NewestDay?
    /// On several replicas: the URL of the one server whose table this is (system logs are each server's own).
    public var replica: String?

    public init(table: QualifiedTableName, totalBytes: Int64, newest: NewestDay? = nil, replica: String? = nil) {
        self.table = table
        self.totalBytes = totalBytes
        self.newest = newest
        self.replica = replica
    }

    public struct NewestDay: Sendable, Equatable {
        public var column: TimeColumn
        public var day: Int64
    }
}
