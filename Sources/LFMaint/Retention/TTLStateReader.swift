/// Reads from `system.tables` and `system.columns` what the planner needs to know about each table.
public struct TTLStateReader: Sendable {
    public let client: ClickHouseClient

    public init(client: ClickHouseClient) {
        self.client = client
    }

    private struct TableRow: Decodable {
        let database: String
        let name: String
        let engine: String
        let engine_full: String
        let partition_key: String
        let total_bytes: Int64
        let definition_bytes: Int
    }

    private struct ColumnRow: Decodable {
        let database: String
        let table: String
        let name: String
        let type: String
    }

    public func facts(for tables: [QualifiedTableName]) async throws -> [QualifiedTableName: TableFacts] {
        let names = ClickHouseLiteral.stringArray(tables.map(\.description))
        let tableRows = try await client.read("""
            SELECT database, name, engine, engine_full, partition_key, toInt64(ifNull(total_bytes, 0)) AS total_bytes,
                   toInt64(length(create_table_query)) AS definition_bytes
            FROM system.tables WHERE has({tables:Array(String)}, database || '.' || name)
            """, parameters: ["tables": names], as: TableRow.self)
        let columnRows = try await client.read("""
            SELECT database, table, name, type FROM system.columns
            WHERE has({tables:Array(String)}, database || '.' || table)
            """, parameters: ["tables": names], as: ColumnRow.self)
        var columns: [String: [String: String]] = [:]
        for column in columnRows { columns["\(column.database).\(column.table)", default: [:]][column.name] = column.type }
        var facts: [QualifiedTableName: TableFacts] = [:]
        for row in tableRows {
            guard let table = QualifiedTableName(database: row.database, table: row.name) else { continue }
            facts[table] = TableFacts(table: table, engine: row.engine, engineFull: row.engine_full, partitionKey: row.partition_key,
                                      columnTypes: columns["\(row.database).\(row.name)"] ?? [:], totalBytes: row.total_bytes,
                                      definitionBytes: row.definition_bytes)
        }
        return facts
    }

    /// The server's `max_query_size`: table definitions longer than this cannot be altered.
    public func maxQuerySize() async throws -> Int {
        Int(try await client.readText("SELECT value FROM system.settings WHERE name = 'max_query_size'")) ?? TTLPlanner.defaultMaxQuerySize
    }

    public func rotatedLogs() async throws -> [TableSize] {
        struct Row: Decodable {
            let name: String
            let total_bytes: Int64
        }
        let rows = try await client.read("""
            SELECT name, toInt64(ifNull(total_bytes, 0)) AS total_bytes FROM system.tables
            WHERE database = 'system' AND match(name, '_[0-9]+$') ORDER BY name
            """, as: Row.self)
        return rows.compactMap { row in
            guard SystemLogTables.rotatedBase(of: row.name) != nil, let table = SQLIdentifier(row.name) else { return nil }
            return TableSize(table: QualifiedTableName(database: SQLIdentifier("system")!, table: table), totalBytes: row.total_bytes)
        }
    }
}
