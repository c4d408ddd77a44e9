import LFMaintEdges
import LFMaintSupport

/// Reads `ClickHouseDiskFacts` for one disk of one server: nine reads of system tables, nothing written.
/// A number no server sends (a negative size, a progress of 3) makes the whole read fail, naming it.
struct ClickHouseDiskFactsReader: Sendable {
    let client: ClickHouseClient

    init(client: ClickHouseClient) {
        self.client = client
    }

    func read(disk: String) async throws -> ClickHouseDiskFacts {
        let now = try await SystemCatalog(client: client).now()
        let columns = try await columnFacts(disk: disk)
        let parts = try await tableParts(disk: disk).map { active, parts -> (active: Bool, parts: ClickHouseDiskFacts.TableParts) in
            var parts = parts
            let facts = columns[MetadataKey(table: parts.table, active: active)]
            parts.metadataBytes = (facts?.metadataBytes ?? 0) + parts.files * Self.checksumBytesPerFile
                + parts.parts * Self.checksumBytesPerPart
            parts.emptyFiles = facts?.emptyFiles ?? 0
            parts.largeStreamFiles = facts?.largeFiles ?? 0
            parts.streamFiles = facts?.streamFiles ?? 0
            parts.smallStreamBytes = facts?.smallStreamBytes ?? 0
            return (active, parts)
        }
        // Right after the parts, so that the disk's used bytes and the parts' sizes are close in time.
        let figures = try await diskFigures(disk)
        var facts = ClickHouseDiskFacts(path: figures.path, now: now)
        facts.totalBytes = figures.total
        facts.freeBytes = figures.free
        facts.reservedBytes = figures.free - figures.unreserved
        facts.active = parts.filter { $0.active }.map(\.parts)
        let lifetimes = try await lifetimes()
        facts.outdated = parts.filter { !$0.active }.map { row in
            var parts = row.parts
            parts.lifetimeSeconds = lifetimes.tables[parts.table] ?? lifetimes.server
            return parts
        }
        facts.detached = try await detached(disk: disk)
        facts.merges = try await merges(under: figures.path)
        facts.mutations = try await mutations(disk: disk)
        return facts
    }

    /// No part has more files, no table more parts, than this: a larger count from the server is a lie.
    static let maximumCount: Int64 = 1 << 32
    /// Epoch seconds past the year 36,000 are not a time.
    static let maximumTime: Int64 = 1 << 40

    /// checksums.txt (compressed): about 300 bytes, then 8 per file it lists (65 KB for metric_log's 8,600).
    static let checksumBytesPerFile: Int64 = 8
    static let checksumBytesPerPart: Int64 = 300

    private func check(_ value: Int64, _ what: String, max: Int64 = SystemCatalog.maximumBytes, statement: String) throws -> Int64 {
        guard (0...max).contains(value) else {
            throw ClickHouseError.unexpectedResponse(host: client.host, detail: "\(what) is \(value), not a number a server sends",
                                                     statement: statement)
        }
        return value
    }

    private func diskFigures(_ disk: String) async throws -> (path: String, total: Int64, free: Int64, unreserved: Int64) {
        struct Row: Decodable {
            let path: String
            let total_space: Int64
            let free_space: Int64
            let unreserved_space: Int64
        }
        let sql = """
            SELECT path, toInt64(total_space) AS total_space, toInt64(free_space) AS free_space,
                   toInt64(unreserved_space) AS unreserved_space
            FROM system.disks WHERE name = {disk:String}
            """
        guard let row = try await client.read(sql, parameters: ["disk": disk], as: Row.self).first else {
            throw ClickHouseError.unexpectedResponse(host: client.host, detail: "ClickHouse has no disk \"\(disk)\"", statement: sql)
        }
        let total = try check(row.total_space, "total_space", max: .max, statement: sql)
        let free = try check(row.free_space, "free_space", max: total, statement: sql)
        let unreserved = try check(row.unreserved_space, "unreserved_space", max: free, statement: sql)
        return (row.path, total, free, unreserved)
    }

    struct MetadataKey: Hashable {
        let table: QualifiedTableName
        let active: Bool
    }

    struct ColumnFacts {
        var metadataBytes: Int64
        var emptyFiles: Int64
        var largeFiles: Int64
        var streamFiles: Int64
        var smallStreamBytes: Int64
    }

    /// What `system.parts` does not say of a table's parts, from their columns as ClickHouse writes them:
    /// the bytes of the files `bytes_on_disk` leaves out — columns.txt (`` `name` type `` a line),
    /// columns_substreams.txt (each column's substreams), the 11 bytes of metadata_version.txt and
    /// default_compression_codec.txt — and, for the file system's rounding, a wide part's column files
    /// (a values file and a marks file per stream): how many are empty, how many larger than a block, and
    /// what the small ones hold. A stream's values file is empty when its subcolumn (`size`, `size0`,
    /// `null`) has no byte, or when nothing is left for the column's own values; a sparse column all of
    /// defaults keeps only its index (one compressed block of ~45 bytes, where any value adds 26 or more).
    private func columnFacts(disk: String) async throws -> [MetadataKey: ColumnFacts] {
        struct Row: Decodable {
            let database: String
            let table: String
            let active: Int64
            let bytes: Int64
            let empty: Int64
            let large: Int64
            let stream_files: Int64
            let small_bytes: Int64
        }
        let sql = """
            SELECT database, table, toInt64(active) AS active, toInt64(sum(part_bytes)) AS bytes, toInt64(sum(empty)) AS empty,
                   toInt64(sum(large)) AS large, toInt64(sum(stream_files)) AS stream_files, toInt64(sum(small_bytes)) AS small_bytes FROM (
                SELECT database, table, active, name,
                       67 + 2 * (length(toString(count())) + 10)
                       + sum(2 * length(column) + length(type) + 31 + length(toString(length(substreams)))
                             + arraySum(arrayMap(s -> length(s) + 2, substreams))) AS part_bytes,
                       sumIf(length(arrayFilter(x -> x = 0, subcolumns.data_compressed_bytes))
                             + (own <= if(serialization_kind = 'Sparse', 63, 0)),
                             part_type = 'Wide') AS empty,
                       sumIf(length(arrayFilter(x -> x > {block:UInt32}, subcolumns.data_compressed_bytes)) + (own > {block:UInt32}),
                             part_type = 'Wide') AS large,
                       sumIf(2 * length(substreams), part_type = 'Wide') AS stream_files,
                       sumIf(if(column_data_compressed_bytes <= {block:UInt32}, column_data_compressed_bytes, 0)
                             + if(column_marks_bytes <= {block:UInt32}, column_marks_bytes, 0), part_type = 'Wide') AS small_bytes
                FROM (SELECT *, toInt64(column_data_compressed_bytes) - toInt64(arraySum(subcolumns.data_compressed_bytes)) AS own
                      FROM system.parts_columns WHERE disk_name = {disk:String})
                GROUP BY database, table, active, name)
            GROUP BY database, table, active
            """
        var facts: [MetadataKey: ColumnFacts] = [:]
        for row in try await client.read(sql, parameters: ["disk": disk, "block": String(ClickHouseAccount.blockBytes)], as: Row.self) {
            guard let table = QualifiedTableName(database: row.database, table: row.table) else { continue }
            facts[MetadataKey(table: table, active: row.active != 0)] = ColumnFacts(
                metadataBytes: try check(row.bytes, "metadata bytes of \(table)", statement: sql),
                emptyFiles: try check(row.empty, "empty files of \(table)", max: Self.maximumCount, statement: sql),
                largeFiles: try check(row.large, "large files of \(table)", max: Self.maximumCount, statement: sql),
                streamFiles: try check(row.stream_files, "column files of \(table)", max: Self.maximumCount, statement: sql),
                smallStreamBytes: try check(row.small_bytes, "small column files' bytes of \(table)", statement: sql))
        }
        return facts
    }

    private func tableParts(disk: String) async throws -> [(active: Bool, parts: ClickHouseDiskFacts.TableParts)] {
        struct Row: Decodable {
            let database: String
            let table: String
            let active: Int64
            let parts: Int64
            let rows: Int64
            let bytes: Int64
            let files: Int64
            let last_removed: Int64
            let compact_large: Int64
        }
        let sql = """
            SELECT database, table, toInt64(active) AS active, toInt64(count()) AS parts, toInt64(sum(rows)) AS rows,
                   toInt64(sum(bytes_on_disk)) AS bytes, toInt64(sum(files)) AS files,
                   toInt64(max(toUnixTimestamp(remove_time))) AS last_removed,
                   toInt64(sumIf((data_compressed_bytes > {block:UInt32}) + (marks_bytes > {block:UInt32})
                                 + (secondary_indices_compressed_bytes > {block:UInt32}), part_type = 'Compact')) AS compact_large
            FROM system.parts WHERE disk_name = {disk:String} GROUP BY database, table, active
            """
        let parameters = ["disk": disk, "block": String(ClickHouseAccount.blockBytes)]
        return try await client.read(sql, parameters: parameters, as: Row.self).compactMap { row in
            guard let table = QualifiedTableName(database: row.database, table: row.table) else { return nil }
            var parts = ClickHouseDiskFacts.TableParts(table: table,
                                                       parts: try check(row.parts, "parts of \(table)", max: Self.maximumCount,
                                                                        statement: sql),
                                                       rows: try check(row.rows, "rows of \(table)", max: .max, statement: sql),
                                                       bytes: try check(row.bytes, "bytes of \(table)", statement: sql),
                                                       files: try check(row.files, "files of \(table)", max: Self.maximumCount,
                                                                        statement: sql))
            parts.largeCompactFiles = try check(row.compact_large, "large files of \(table)", max: Self.maximumCount, statement: sql)
            if row.active == 0 {
                parts.lastRemoved = try check(row.last_removed, "remove_time", max: Self.maximumTime, statement: sql)
            }
            return (row.active != 0, parts)
        }
    }

    /// `old_parts_lifetime`: the server's, and each table's own where its definition sets one.
    private func lifetimes() async throws -> (server: Int64, tables: [QualifiedTableName: Int64]) {
        struct Row: Decodable {
            let database: String
            let name: String
            let lifetime: Int64
        }
        let serverSQL = "SELECT value FROM system.merge_tree_settings WHERE name = 'old_parts_lifetime'"
        let server = Int64(try await client.readText(serverSQL)) ?? 480
        let sql = """
            SELECT database, name, toInt64OrZero(extract(engine_full, 'old_parts_lifetime\\\\s*=\\\\s*(\\\\d+)')) AS lifetime
            FROM system.tables WHERE engine_full LIKE '%old_parts_lifetime%'
            """
        var tables: [QualifiedTableName: Int64] = [:]
        for row in try await client.read(sql, as: Row.self) {
            guard let table = QualifiedTableName(database: row.database, table: row.name) else { continue }
            tables[table] = try check(row.lifetime, "old_parts_lifetime of \(table)", max: Int64(Int32.max), statement: sql)
        }
        return (try check(server, "old_parts_lifetime", max: Int64(Int32.max), statement: serverSQL), tables)
    }

    private func detached(disk: String) async throws -> [ClickHouseDiskFacts.Detached] {
        struct Row: Decodable {
            let database: String
            let table: String
            let reason: String
            let parts: Int64
            let bytes: Int64
            let names: [String]
        }
        let sql = """
            SELECT database, table, ifNull(reason, '') AS reason, toInt64(count()) AS parts, toInt64(sum(bytes_on_disk)) AS bytes,
                   groupArray(3)(name) AS names
            FROM system.detached_parts WHERE disk = {disk:String} GROUP BY database, table, reason
            """
        return try await client.read(sql, parameters: ["disk": disk], as: Row.self).compactMap { row in
            guard let table = QualifiedTableName(database: row.database, table: row.table) else { return nil }
            return ClickHouseDiskFacts.Detached(table: table, reason: row.reason,
                                                parts: try check(row.parts, "detached parts", max: Self.maximumCount, statement: sql),
                                                bytes: try check(row.bytes, "detached bytes of \(table)", statement: sql), names: row.names)
        }
    }

    /// Merges writing on this disk: under its path, and not under another disk's path inside it.
    private func merges(under path: String) async throws -> [ClickHouseDiskFacts.Merge] {
        struct Row: Decodable {
            let database: String
            let table: String
            let bytes: Int64
            let progress: Double
        }
        let sql = """
            SELECT database, table, toInt64(total_size_bytes_compressed) AS bytes, toFloat64(progress) AS progress
            FROM system.merges WHERE startsWith(result_part_path, {path:String})
              AND NOT arrayExists(p -> length(p) > length({path:String}) AND startsWith(result_part_path, p),
                                  (SELECT groupArray(path) FROM system.disks))
            """
        return try await client.read(sql, parameters: ["path": path], as: Row.self).compactMap { row in
            guard let table = QualifiedTableName(database: row.database, table: row.table) else { return nil }
            guard (0...1).contains(row.progress) else {
                throw ClickHouseError.unexpectedResponse(host: client.host, detail: "a merge of \(table) at progress \(row.progress)",
                                                         statement: sql)
            }
            return ClickHouseDiskFacts.Merge(table: table, sourceBytes: try check(row.bytes, "merge size", statement: sql),
                                             progress: row.progress)
        }
    }

    /// Unfinished mutations, each with the bytes of the parts (on this disk) it has still to rewrite.
    private func mutations(disk: String) async throws -> [ClickHouseDiskFacts.Mutation] {
        struct Row: Decodable {
            let database: String
            let table: String
            let mutation_id: String
            let command: String
            let parts_to_do: Int64
            let bytes: Int64
            let created: Int64
            let fail_reason: String
            let failed: Int64
        }
        let sql = """
            WITH pending AS (SELECT database, table, mutation_id, arrayJoin(if(empty(parts_to_do_names), [''], parts_to_do_names)) AS part
                             FROM system.mutations WHERE NOT is_done),
                 sizes AS (SELECT pending.database AS database, pending.table AS table, pending.mutation_id AS mutation_id,
                                  toInt64(sum(p.bytes_on_disk)) AS bytes
                           FROM pending LEFT JOIN (SELECT database, table, name, bytes_on_disk FROM system.parts
                                                   WHERE active AND disk_name = {disk:String}) AS p
                             ON p.database = pending.database AND p.table = pending.table AND p.name = pending.part
                           GROUP BY ALL)
            SELECT m.database AS database, m.table AS table, m.mutation_id AS mutation_id, m.command AS command,
                   toInt64(m.parts_to_do) AS parts_to_do, sizes.bytes AS bytes, toInt64(toUnixTimestamp(m.create_time)) AS created,
                   m.latest_fail_reason AS fail_reason, toInt64(toUnixTimestamp(m.latest_fail_time)) AS failed
            FROM system.mutations AS m INNER JOIN sizes
              ON sizes.database = m.database AND sizes.table = m.table AND sizes.mutation_id = m.mutation_id
            WHERE NOT m.is_done ORDER BY m.create_time
            """
        return try await client.read(sql, parameters: ["disk": disk], as: Row.self).compactMap { row in
            guard let table = QualifiedTableName(database: row.database, table: row.table) else { return nil }
            return ClickHouseDiskFacts.Mutation(table: table, id: row.mutation_id, command: row.command,
                                                partsToDo: try check(row.parts_to_do, "parts_to_do", max: Self.maximumCount,
                                                                     statement: sql),
                                                bytesToDo: try check(row.bytes, "bytes of parts to mutate", statement: sql),
                                                createdAt: row.created, failReason: row.fail_reason, failedAt: row.failed)
        }
    }
}
