import LFMaintEdges
import LFMaintSupport

/// Partitions and parts, with the span of their rows read from the rule's own column (`min(col)`,
/// `max(col)` per partition or part; the minmax index answers it for a partition key column). A span
/// that cannot be read leaves its partition out: never droppable, never dated 1970.
extension SystemCatalog {
    /// The partitions of the tables `columns` names, each with its rows' span on that column.
    func partitions(_ columns: [QualifiedTableName: TimeColumn]) async throws -> [PartitionFacts] {
        guard !columns.isEmpty else { return [] }
        let tables = columns.keys.sorted { $0.description < $1.description }
        let sizes = try await partitionSizes(tables)
        let spans = tables.enumerated().map { index, table in
            let column = columns[table]!
            return "SELECT toUInt32(\(index)) AS source, _partition_id AS partition_id, \(column.minimumSQL) AS oldest, "
                + "\(column.maximumSQL) AS newest FROM \(table.quoted) GROUP BY _partition_id"
        }
        struct Row: Decodable {
            let source: Int
            let partition_id: String
            let oldest: Int64
            let newest: Int64
        }
        let rows = try await client.read(spans.joined(separator: "\nUNION ALL\n"), as: Row.self)
        return rows.compactMap { row in
            guard tables.indices.contains(row.source), row.oldest <= row.newest, let id = PartitionName(row.partition_id) else { return nil }
            let table = tables[row.source]
            guard columns[table]!.holds(row.oldest), columns[table]!.holds(row.newest) else { return nil }
            guard let size = sizes[PartitionKey(table: table, id: id)] else { return nil }
            return PartitionFacts(table: table, partition: size.partition, partitionID: id, column: columns[table]!,
                                  oldest: row.oldest, newest: row.newest, bytes: size.bytes)
        }
    }

    private struct PartitionKey: Hashable {
        let table: QualifiedTableName
        let id: PartitionName
    }

    private func partitionSizes(_ tables: [QualifiedTableName]) async throws -> [PartitionKey: (partition: String, bytes: Int64)] {
        struct Row: Decodable {
            let database: String
            let table: String
            let partition: String
            let partition_id: String
            let bytes: Int64
        }
        let rows = try await client.read("""
            SELECT database, table, any(partition) AS partition, partition_id, toInt64(sum(bytes_on_disk)) AS bytes
            FROM system.parts WHERE active AND has({tables:Array(String)}, database || '.' || table)
            GROUP BY database, table, partition_id
            """, parameters: ["tables": ClickHouseLiteral.stringArray(tables.map(\.description))], as: Row.self)
        var sizes: [PartitionKey: (partition: String, bytes: Int64)] = [:]
        for row in rows where (0...SystemCatalog.maximumBytes).contains(row.bytes) {
            guard let table = QualifiedTableName(database: row.database, table: row.table), let id = PartitionName(row.partition_id) else { continue }
            sizes[PartitionKey(table: table, id: id)] = (row.partition, row.bytes)
        }
        return sizes
    }

    /// One active part and the newest value of the column among its rows.
    struct PartSpan: Sendable, Equatable {
        let name: PartitionName
        let newest: Int64
    }

    /// The active parts of one partition that hold rows, each with its newest value on `column`.
    func parts(of table: QualifiedTableName, partition: PartitionName, column: TimeColumn) async throws -> [PartSpan] {
        struct Row: Decodable {
            let name: String
            let newest: Int64
        }
        let rows = try await client.read("""
            SELECT _part AS name, \(column.maximumSQL) AS newest FROM \(table.quoted)
            WHERE _partition_id = {id:String} GROUP BY _part ORDER BY _part
            """, parameters: ["id": partition.text], as: Row.self)
        return try rows.map { row in
            guard let name = PartitionName(row.name) else {
                throw ClickHouseError.unexpectedResponse(host: client.host, detail: "part name \"\(row.name)\" is not a part name",
                                                         statement: "SELECT _part FROM \(table)")
            }
            return PartSpan(name: name, newest: row.newest)
        }
    }

    /// Bytes on disk of one partition: its active parts, or the outdated ones waiting for removal.
    func partitionBytes(of table: QualifiedTableName, partition: PartitionName, active: Bool) async throws -> (parts: Int, bytes: Int64) {
        struct Row: Decodable {
            let parts: Int
            let bytes: Int64
        }
        let rows = try await client.read("""
            SELECT toInt64(count()) AS parts, toInt64(sum(bytes_on_disk)) AS bytes FROM system.parts
            WHERE active = {active:UInt8} AND database = {db:String} AND table = {table:String} AND partition_id = {id:String}
            """, parameters: ["active": active ? "1" : "0", "db": table.database.name, "table": table.table.name, "id": partition.text],
            as: Row.self)
        guard let row = rows.first, row.parts >= 0, (0...SystemCatalog.maximumBytes).contains(row.bytes) else {
            throw ClickHouseError.unexpectedResponse(host: client.host, detail: "system.parts gave no or negative sizes",
                                                     statement: "SELECT … FROM system.parts")
        }
        return (row.parts, row.bytes)
    }

    /// The share of a partition's rows a DELETE with `bound` would remove (0 for an empty partition).
    func share(of table: QualifiedTableName, partition: PartitionName, column: TimeColumn, before bound: ColumnBound) async throws -> Double {
        struct Row: Decodable {
            let before: Int64
            let rows: Int64
        }
        let rows = try await client.read("""
            SELECT toInt64(countIf(\(column.name.quoted) < \(bound.literal))) AS before, toInt64(count()) AS rows
            FROM \(table.quoted) WHERE _partition_id = {id:String}
            """, parameters: ["id": partition.text], as: Row.self)
        guard let row = rows.first, row.before >= 0, row.rows >= row.before else {
            throw ClickHouseError.unexpectedResponse(host: client.host, detail: "row counts are negative or inconsistent",
                                                     statement: "SELECT countIf(…) FROM \(table)")
        }
        return row.rows == 0 ? 0 : Double(row.before) / Double(row.rows)
    }
}
