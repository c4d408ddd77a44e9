import LFMaintEdges
import LFMaintSupport

/// What lfmaint reads from ClickHouse's system tables, for the TTL planner and the cleanup alike:
/// tables and their columns, rotated system logs, partitions with the span of their rows, parts and
/// mutations. Numbers from the server are checked here, where they enter.
struct SystemCatalog: Sendable {
    let client: ClickHouseClient

    init(client: ClickHouseClient) {
        self.client = client
    }

    /// No table holds more than a pebibyte: a larger size from the server is a lie, and is refused.
    static let maximumBytes: Int64 = 1 << 50

    /// The server's clock, in epoch seconds.
    func now() async throws -> Int64 {
        let text = try await client.readText("SELECT toInt64(toUnixTimestamp(now()))")
        guard let now = Int64(text), now > 0 else {
            throw ClickHouseError.unexpectedResponse(host: client.host, detail: "now() is \"\(text)\", not a time", statement: "SELECT now()")
        }
        return now
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

    func facts(for tables: [QualifiedTableName]) async throws -> [QualifiedTableName: TableFacts] {
        let names = ClickHouseLiteral.stringArray(tables.map(\.description))
        let tableRows = try await client.read("""
            SELECT database, name, engine, engine_full, partition_key, toInt64(ifNull(total_bytes, 0)) AS total_bytes,
                   toInt64(length(create_table_query)) AS definition_bytes
            FROM system.tables WHERE has({tables:Array(String)}, database || '.' || name)
            """, parameters: ["tables": names], as: TableRow.self)
        let columns = try await columnTypes(where: "has({tables:Array(String)}, database || '.' || table)", parameters: ["tables": names])
        var facts: [QualifiedTableName: TableFacts] = [:]
        for row in tableRows {
            guard let table = QualifiedTableName(database: row.database, table: row.name) else { continue }
            facts[table] = TableFacts(table: table, engine: row.engine, engineFull: row.engine_full, partitionKey: row.partition_key,
                                      columnTypes: columns[table] ?? [:], totalBytes: max(0, row.total_bytes),
                                      definitionBytes: max(0, row.definition_bytes))
        }
        return facts
    }

    /// Every table of one database, by name, with its engine.
    func tableEngines(in database: SQLIdentifier) async throws -> [String: String] {
        struct Row: Decodable {
            let name: String
            let engine: String
        }
        let rows = try await client.read("SELECT name, engine FROM system.tables WHERE database = {database:String}",
                                         parameters: ["database": database.name], as: Row.self)
        return Dictionary(rows.map { ($0.name, $0.engine) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every column's type, by table, for the tables `condition` selects from `system.columns`.
    private func columnTypes(where condition: String, parameters: [String: String]) async throws -> [QualifiedTableName: [String: String]] {
        struct Row: Decodable {
            let database: String
            let table: String
            let name: String
            let type: String
        }
        let rows = try await client.read("SELECT database, table, name, type FROM system.columns WHERE \(condition)",
                                         parameters: parameters, as: Row.self)
        var columns: [QualifiedTableName: [String: String]] = [:]
        for row in rows {
            guard let table = QualifiedTableName(database: row.database, table: row.table) else { continue }
            columns[table, default: [:]][row.name] = row.type
        }
        return columns
    }

    /// The server's `max_query_size`: table definitions longer than this cannot be altered.
    func maxQuerySize() async throws -> Int {
        let text = try await client.readText("SELECT value FROM system.settings WHERE name = 'max_query_size'")
        guard let size = Int(text), size > 0 else { return TTLPlanner.defaultMaxQuerySize }
        return size
    }

    /// Rotated copies of system logs (`system.query_log_0`): a `system.<log>_N` table counts only when
    /// its columns are those of the server's own `<log>` (`SystemLogTables.isCopy`).
    func rotatedLogs() async throws -> [TableSize] {
        struct Row: Decodable {
            let name: String
            let total_bytes: Int64
        }
        let rows = try await client.read("""
            SELECT name, toInt64(ifNull(total_bytes, 0)) AS total_bytes FROM system.tables
            WHERE database = 'system' AND match(name, '_[0-9]+$') ORDER BY name
            """, as: Row.self)
        let candidates = rows.filter { SystemLogTables.rotatedBase(of: $0.name) != nil }
        guard !candidates.isEmpty else { return [] }
        let names = candidates.flatMap { [$0.name, SystemLogTables.rotatedBase(of: $0.name)!] }
        let columns = try await columnTypes(where: "database = 'system' AND has({names:Array(String)}, table)",
                                            parameters: ["names": ClickHouseLiteral.stringArray(names)])
        let copies = candidates.compactMap { row -> TableSize? in
            guard let base = SystemLogTables.rotatedBase(of: row.name), let table = QualifiedTableName(database: "system", table: row.name),
                  let live = QualifiedTableName(database: "system", table: base),
                  SystemLogTables.isCopy(columns[table] ?? [:], of: base, liveColumns: columns[live] ?? [:]) else { return nil }
            return TableSize(table: table, totalBytes: max(0, row.total_bytes))
        }
        return try await withNewestDay(copies)
    }

    /// The newest day each rotated log holds, on its date column; a log whose day cannot be read is left out.
    private func withNewestDay(_ logs: [TableSize]) async throws -> [TableSize] {
        let columns = logs.map { log in
            SystemLogTables.dateColumns.first { $0.table == SystemLogTables.rotatedBase(of: log.table.table.name) }
                .flatMap { TimeColumn(name: SQLIdentifier($0.column)!, type: "Date") }!
        }
        guard !logs.isEmpty else { return [] }
        struct Row: Decodable {
            let source: Int
            let newest: Int64
        }
        let rows = try await client.read(logs.indices.map { index in
            "SELECT toUInt32(\(index)) AS source, \(columns[index].maximumSQL) AS newest FROM \(logs[index].table.quoted)"
        }.joined(separator: "\nUNION ALL\n"), as: Row.self)
        return rows.compactMap { row in
            guard logs.indices.contains(row.source), columns[row.source].holds(row.newest) else { return nil }
            var log = logs[row.source]
            log.newest = TableSize.NewestDay(column: columns[row.source], day: row.newest)
            return log
        }.sorted { $0.table.description < $1.table.description }
    }

    /// Tables with a mutation still running or failing.
    func busyTables() async throws -> Set<QualifiedTableName> {
        struct Row: Decodable {
            let database: String
            let table: String
        }
        let rows = try await client.read("SELECT DISTINCT database, table FROM system.mutations WHERE NOT is_done", as: Row.self)
        return Set(rows.compactMap { QualifiedTableName(database: $0.database, table: $0.table) })
    }

    /// Parts still to be rewritten by the table's unfinished mutations.
    func unfinishedMutationParts(of table: QualifiedTableName) async throws -> Int64 {
        struct Row: Decodable { let parts_to_do: Int64 }
        let rows = try await client.read("""
            SELECT toInt64(sum(parts_to_do)) AS parts_to_do FROM system.mutations
            WHERE NOT is_done AND database = {db:String} AND table = {table:String}
            """, parameters: ["db": table.database.name, "table": table.table.name], as: Row.self)
        return max(0, rows.first?.parts_to_do ?? 0)
    }
}

extension SystemCatalog {
    /// Where this server has not caught up with its replicas: a table it holds read-only or without its
    /// Keeper session (the whole table), and each partition with entries in its replication queue (a
    /// queue entry's part names its partition; one that names none holds the whole table). `table`:
    /// only that table.
    func replicationLag(of table: QualifiedTableName? = nil) async throws -> [ReplicationLag] {
        struct Stale: Decodable {
            let database: String
            let table: String
            let readonly: Int64
        }
        struct Queued: Decodable {
            let database: String
            let table: String
            let partition_id: String
            let entries: Int64
        }
        let filter = table == nil ? "" : " AND database = {db:String} AND table = {table:String}"
        let parameters = table.map { ["db": $0.database.name, "table": $0.table.name] } ?? [:]
        let stale = try await client.read("""
            SELECT database, table, toInt64(is_readonly) AS readonly FROM system.replicas
            WHERE (is_readonly OR is_session_expired)\(filter)
            """, parameters: parameters, as: Stale.self)
        let queued = try await client.read("""
            SELECT database, table, splitByChar('_', new_part_name)[1] AS partition_id, toInt64(count()) AS entries
            FROM system.replication_queue WHERE 1\(filter) GROUP BY database, table, partition_id
            """, parameters: parameters, as: Queued.self)
        var lag = stale.compactMap { row in
            QualifiedTableName(database: row.database, table: row.table).map {
                ReplicationLag(table: $0, partition: nil, reason: row.readonly != 0 ? "its replica is read-only" : "its Keeper session expired")
            }
        }
        for row in queued {
            guard let table = QualifiedTableName(database: row.database, table: row.table) else { continue }
            let partition = PartitionName(row.partition_id)
            let entries = (1...Int64(Int32.max)).contains(row.entries) ? "\(row.entries)" : "some"
            lag.append(ReplicationLag(table: table, partition: partition,
                                      reason: "\(entries) entries in its replication queue" + (partition.map { " for partition \($0)" } ?? "")))
        }
        return lag
    }
}

/// Why one server has not caught up with its replicas on a table, or on one partition of it.
struct ReplicationLag: Sendable, Hashable {
    var table: QualifiedTableName
    /// nil: the whole table.
    var partition: PartitionName?
    var reason: String

    init(table: QualifiedTableName, partition: PartitionName?, reason: String) {
        self.table = table
        self.partition = partition
        self.reason = reason
    }

    /// Whether it holds back a step on this table and partition.
    func holds(_ table: QualifiedTableName, _ partition: PartitionName?) -> Bool {
        self.table == table && (self.partition == nil || partition == nil || self.partition == partition)
    }
}
