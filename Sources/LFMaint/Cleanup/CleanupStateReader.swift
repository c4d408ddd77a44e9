import Foundation
import LFMaintEdges
import LFMaintSupport

/// Reads what the cleanup planner needs from the system catalog: the server's clock, the partitions of
/// every table a rule names (with the span of their rows on the rule's column), rotated and live system
/// logs, and tables with unfinished mutations.
struct CleanupStateReader: Sendable {
    let catalog: SystemCatalog

    init(client: ClickHouseClient) {
        catalog = SystemCatalog(client: client)
    }

    func state(rules: [RetentionRule]) async throws -> CleanupState {
        // A server clock running ahead would move every cutoff forward: the earlier of the two clocks counts.
        let now = min(try await catalog.now(), Int64(Date().timeIntervalSince1970))
        let facts = try await catalog.facts(for: rules.map(\.table))
        var columns: [QualifiedTableName: TimeColumn] = [:]
        for rule in rules {
            guard let table = facts[rule.table], table.engine.hasSuffix("MergeTree"),
                  let column = table.columnTypes[rule.column.name].flatMap({ TimeColumn(name: rule.column, type: $0) }) else { continue }
            columns[rule.table] = column
        }
        // The rules name every system log, so their facts already hold the live logs' sizes.
        let systemLogs = rules.filter { $0.kind == .systemLog }.compactMap { facts[$0.table] }
            .map { TableSize(table: $0.table, totalBytes: $0.totalBytes) }
        let partitions = try await catalog.partitions(columns).map { partition in
            var partition = partition
            partition.replicatedEngine = facts[partition.table]?.engine.hasPrefix("Replicated") ?? false
            partition.keyEnd = facts[partition.table].flatMap {
                PartitionKeyBound.end(key: $0.partitionKey, column: partition.column.name, id: partition.partitionID)
            }
            return partition
        }
        return CleanupState(now: now, partitions: partitions, rotatedLogs: try await catalog.rotatedLogs(),
                            systemLogs: systemLogs, busyTables: try await catalog.busyTables())
    }
}
