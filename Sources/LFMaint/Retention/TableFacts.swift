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

/// A system log table ClickHouse renamed to `<name>_N` after an upgrade; nothing writes to it any more.
public struct RotatedLogTable: Sendable, Equatable {
    public var table: QualifiedTableName
    public var totalBytes: Int64

    public init(table: QualifiedTableName, totalBytes: Int64) {
        self.table = table
        self.totalBytes = totalBytes
    }
}
