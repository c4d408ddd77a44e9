/// Orders every step that could free space, cheapest and least valuable first:
/// system logs past their retention, rotated logs, system logs down to their 1-day floor, then for
/// each app retention tier (30 → 21 → 14 → 7 days, never under the floor) whole expired partitions,
/// then the rows past the cutoff in the boundary partition (DELETE, then OPTIMIZE that partition).
/// Pure: the executor runs the steps in order and stops once usage is under the target.
public struct CleanupPlanner: Sendable {
    public static let day: Int64 = 86_400
    public var policy: CleanupPolicy
    public var onCluster: String

    public init(policy: CleanupPolicy, onCluster: String = "") {
        self.policy = policy
        self.onCluster = onCluster
    }

    public func plan(_ state: CleanupState) -> [CleanupStep] {
        var dropped: Set<String> = []
        let systemRules = policy.rules.filter { $0.kind == .systemLog }
        let dataRules = policy.rules.filter { $0.kind != .systemLog }
        // DROP TABLE needs no reservation, so rotated logs go first: on a disk too full for any ALTER
        // they are what frees the first megabyte.
        var steps = state.rotatedLogs.filter { SystemLogTables.isRotated($0.table) }.map {
            CleanupStep(table: $0.table, action: .dropTable, statement: "DROP TABLE IF EXISTS \($0.table.quoted)\(onCluster) SYNC",
                        estimatedBytes: $0.totalBytes, reason: "rotated system log: nothing writes to it", newestRemovable: nil)
        }
        steps += state.systemLogs.filter { Self.isExpendableSystemLog($0.table) }.sorted { $0.totalBytes > $1.totalBytes }.map {
            CleanupStep(table: $0.table, action: .dropTable, statement: "DROP TABLE IF EXISTS \($0.table.quoted)\(onCluster) SYNC",
                        estimatedBytes: $0.totalBytes,
                        reason: "no headroom: every ALTER needs 1 MiB free; ClickHouse recreates this log empty", newestRemovable: nil,
                        onlyWithoutHeadroom: true)
        }
        steps += drops(state, systemRules, days: max(policy.systemLogDays, policy.systemLogFloorDays), &dropped)
        steps += drops(state, systemRules, days: policy.systemLogFloorDays, &dropped)
        for days in policy.appTiers {
            steps += drops(state, dataRules, days: days, &dropped)
            steps += boundary(state, dataRules, days: days, dropped: dropped)
        }
        return steps
    }

    public func floorDays(for table: QualifiedTableName) -> Int {
        policy.rules.first { $0.table == table }?.kind == .systemLog ? policy.systemLogFloorDays : policy.floorDays
    }

    private func drops(_ state: CleanupState, _ rules: [RetentionRule], days: Int, _ dropped: inout Set<String>) -> [CleanupStep] {
        var steps: [CleanupStep] = []
        for rule in rules {
            let cutoff = state.now - Int64(max(days, floorDays(for: rule.table))) * Self.day
            for partition in state.partitions where partition.table == rule.table && partition.maxTime < cutoff {
                guard dropped.insert("\(rule.table)#\(partition.partitionID)").inserted, let id = Self.partitionIDLiteral(partition.partitionID) else { continue }
                steps.append(CleanupStep(
                    table: rule.table, action: .dropPartition,
                    statement: "ALTER TABLE \(rule.table.quoted)\(onCluster) DROP PARTITION ID \(id)",
                    estimatedBytes: partition.bytes,
                    reason: "partition \(partition.partition): every row older than \(days) days",
                    newestRemovable: partition.maxTime, partitionID: partition.partitionID))
            }
        }
        return steps
    }

    private func boundary(_ state: CleanupState, _ rules: [RetentionRule], days: Int, dropped: Set<String>) -> [CleanupStep] {
        var steps: [CleanupStep] = []
        for rule in rules {
            let cutoff = state.now - Int64(max(days, floorDays(for: rule.table))) * Self.day
            let straddling = state.partitions.filter {
                $0.table == rule.table && $0.minTime < cutoff && $0.maxTime >= cutoff && !dropped.contains("\(rule.table)#\($0.partitionID)")
            }
            guard !straddling.isEmpty else { continue }
            let touchedBytes = straddling.reduce(Int64(0)) { $0 + $1.bytes }
            steps.append(CleanupStep(
                table: rule.table, action: .deleteRows,
                statement: "DELETE FROM \(rule.table.quoted)\(onCluster) WHERE \(rule.column.quoted) < toDateTime(\(cutoff))",
                estimatedBytes: 0, requiredFreeBytes: 2 * touchedBytes,
                reason: "rows older than \(days) days in partition \(straddling.map(\.partition).joined(separator: ", ")); space returns with the OPTIMIZE below",
                newestRemovable: cutoff - 1))
            for partition in straddling {
                guard let id = Self.partitionIDLiteral(partition.partitionID) else { continue }
                let span = max(partition.maxTime - partition.minTime, 1)
                steps.append(CleanupStep(
                    table: rule.table, action: .optimizePartition,
                    statement: "OPTIMIZE TABLE \(rule.table.quoted)\(onCluster) PARTITION ID \(id) FINAL",
                    estimatedBytes: partition.bytes * (cutoff - partition.minTime) / span, requiredFreeBytes: 2 * partition.bytes,
                    reason: "rewrite partition \(partition.partition) without its deleted rows", newestRemovable: nil, partitionID: partition.partitionID))
            }
        }
        return steps
    }

    /// A system log lfmaint may drop whole when nothing else can run: never query_log, which Langfuse reads.
    public static func isExpendableSystemLog(_ table: QualifiedTableName) -> Bool {
        table.database.name == "system" && table.table.name != "query_log"
            && (SystemLogTables.names.contains(table.table.name) || SystemLogTables.rotatedBase(of: table.table.name) != nil)
    }

    /// `'202611'`: partition IDs are digits, letters, `_` and `-`; anything else is not planned.
    static func partitionIDLiteral(_ id: String) -> String? {
        guard !id.isEmpty, id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D }) else {
            return nil
        }
        return "'\(id)'"
    }
}
