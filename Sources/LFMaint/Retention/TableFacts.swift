import LFMaintEdges
import LFMaintSupport

/// What the server says about a table that a retention rule names.
struct TableFacts: Sendable, Equatable {
    var table: QualifiedTableName
    var engine: String
    var engineFull: String
    var partitionKey: String
    /// Every column's type by name.
    var columnTypes: [String: String]
    var totalBytes: Int64
    /// Length of `create_table_query`: an ALTER that leaves it over `max_query_size` is refused.
    var definitionBytes: Int

    init(table: QualifiedTableName, engine: String, engineFull: String, partitionKey: String, columnTypes: [String: String],
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
struct TableSize: Sendable, Equatable {
    var table: QualifiedTableName
    var totalBytes: Int64
    /// A rotated log: its date column and the newest day it holds (a log rotated today holds today's rows).
    var newest: NewestDay?
    /// On several replicas: the URL of the one server whose table this is (system logs are each server's own).
    var replica: String?

    init(table: QualifiedTableName, totalBytes: Int64, newest: NewestDay? = nil, replica: String? = nil) {
        self.table = table
        self.totalBytes = totalBytes
        self.newest = newest
        self.replica = replica
    }

    struct NewestDay: Sendable, Equatable {
        var column: TimeColumn
        var day: Int64
    }
}
