import LFMaintEdges

/// The largest tables by bytes on disk (active parts), system log tables included.
struct ClickHouseTopTables: UsageDetailSource {
    let client: ClickHouseClient

    init(client: ClickHouseClient) {
        self.client = client
    }

    struct Row: Decodable {
        let name: String
        let bytes: Int64
        let rows: Int64
        let parts: Int64
    }

    func top(limit: Int) async throws -> [UsageItem] {
        try await client.read("""
            SELECT database || '.' || table AS name, toInt64(sum(bytes_on_disk)) AS bytes, toInt64(sum(rows)) AS rows, toInt64(count()) AS parts
            FROM system.parts WHERE active GROUP BY database, table ORDER BY bytes DESC LIMIT {limit:UInt32}
            """, parameters: ["limit": String(limit)], as: Row.self)
            .map { UsageItem(name: $0.name, bytes: $0.bytes, rows: $0.rows, parts: $0.parts, kind: .table) }
    }
}
