/// Reads what the cleanup planner needs from ClickHouse: the server's clock, the partitions of every
/// time-partitioned table a rule names, rotated logs, and tables with unfinished mutations.
public struct CleanupStateReader: Sendable {
    public let client: ClickHouseClient

    public init(client: ClickHouseClient) {
        self.client = client
    }

    struct PartitionRow: Decodable {
        let database: String
        let table: String
        let partition: String
        let partition_id: String
        let min_time: Int64
        let max_time: Int64
        let bytes: Int64
    }

    public func now() async throws -> Int64 {
        guard let now = Int64(try await client.readText("SELECT toInt64(toUnixTimestamp(now()))")) else {
            throw ClickHouseError.unexpectedResponse(host: client.host, detail: "now() is not a number", statement: "SELECT now()")
        }
        return now
    }

    public func state(rules: [RetentionRule]) async throws -> CleanupState {
        let now = try await now()
        let reader = TTLStateReader(client: client)
        let facts = try await reader.facts(for: rules.map(\.table))
        // Only tables partitioned by the rule's own time column: any other partition's span says
        // nothing about the rows' age, and dropping it could remove anything.
        let partitioned = rules.filter { rule in
            facts[rule.table].map { TTLPlanner.isPartitioned(by: rule.column, key: $0.partitionKey) } ?? false
        }
        let names = ClickHouseLiteral.stringArray(partitioned.map(\.table.description))
        // Date keys fill min_date/max_date, DateTime keys min_time/max_time; a Date's rows run to its last second.
        let rows = try await client.read("""
            SELECT database, table, partition, partition_id,
                   toInt64(min(if(toUnixTimestamp(min_time) > 0, toUnixTimestamp(min_time), toUnixTimestamp(toDateTime(min_date))))) AS min_time,
                   toInt64(max(if(toUnixTimestamp(max_time) > 0, toUnixTimestamp(max_time), toUnixTimestamp(toDateTime(max_date)) + 86399))) AS max_time,
                   toInt64(sum(bytes_on_disk)) AS bytes
            FROM system.parts WHERE active AND has({tables:Array(String)}, database || '.' || table)
            GROUP BY database, table, partition, partition_id ORDER BY database, table, partition_id
            """, parameters: ["tables": names], as: PartitionRow.self)
        let partitions = rows.compactMap { row -> PartitionFacts? in
            guard row.max_time > 86399, row.min_time > 0,
                  let table = QualifiedTableName(database: row.database, table: row.table) else { return nil }
            return PartitionFacts(table: table, partition: row.partition, partitionID: row.partition_id, minTime: row.min_time,
                                  maxTime: row.max_time, bytes: row.bytes)
        }
        // The rules name every system log, so their facts already hold the live logs' sizes.
        let systemLogs = rules.filter { $0.kind == .systemLog }.compactMap { facts[$0.table] }
            .map { TableSize(table: $0.table, totalBytes: $0.totalBytes) }
        return CleanupState(now: now, partitions: partitions, rotatedLogs: try await reader.rotatedLogs(),
                            systemLogs: systemLogs, busyTables: try await busyTables())
    }

    public func busyTables() async throws -> Set<QualifiedTableName> {
        struct Row: Decodable {
            let database: String
            let table: String
        }
        let rows = try await client.read("SELECT DISTINCT database, table FROM system.mutations WHERE NOT is_done", as: Row.self)
        return Set(rows.compactMap { QualifiedTableName(database: $0.database, table: $0.table) })
    }
}
