import LFMaintEdges
import LFMaintSupport

/// A partition whose rows are all past the cutoff: whole, or by part (`PartitionDropMethod`). Its parts are
/// read again and checked before anything goes (on several replicas, on each before it goes from any).
enum DropPartitionAction: CleanupAction {
    static let name = "drop partition"
    static let dropsPartition = true

    /// On a cluster a partition goes whole only when its key proves every row it can hold is old: the
    /// newest row lfmaint can read is one server's, the DROP is every replica's. Otherwise its old rows go
    /// by DELETE, whose bound holds on every replica.
    static func steps(in round: CleanupRound, _ planning: inout CleanupPlanning) -> [CleanupStep] {
        guard case let .tier(rules, days) = round else { return [] }
        var steps: [CleanupStep] = []
        for rule in rules {
            let cutoff = planning.cutoff(rule, days: days)
            let clause = rule.kind == .systemLog ? ClusterClause.none : planning.cluster
            for partition in planning.state.partitions where partition.table == rule.table && partition.column.name == rule.column
                && partition.column.rowsEnd(newest: partition.newest) <= cutoff && (clause == .none || (partition.keyEnd ?? .max) <= cutoff) {
                guard planning.dropped.insert(CleanupPlanning.key(partition)).inserted else { continue }
                steps.append(planning.onHolders(partition, CleanupStep(
                    table: rule.table, action: .dropPartition, cluster: clause, partitionID: partition.partitionID, column: partition.column,
                    newestValue: partition.newest, keyEnd: partition.keyEnd, estimatedBytes: partition.bytes,
                    reason: "partition \(partition.partition): every row older than \(days) days\(CleanupPlanning.holders(partition))")))
            }
        }
        // Oldest rows first, whatever table holds them; then the larger partition.
        func order(_ step: CleanupStep) -> (Int64, Int64, String, String) {
            (step.column?.rowsEnd(newest: step.newestValue ?? 0) ?? 0, -step.estimatedBytes, step.table.description, step.partitionID?.description ?? "")
        }
        return steps.sorted { order($0) < order($1) }
    }

    /// Shown as DROP PARTITION; the outcome lists what ran (`PartitionDropMethod`).
    static func statements(_ step: CleanupStep) -> [ClickHouseStatement] {
        guard let partitionID = step.partitionID else { return [] }
        return [.dropPartition(step.table, partitionID, step.cluster)]
    }

    static func check(_ check: CleanupGuard.Check) throws {
        try check.pastFloor(check.newestRowsEnd())
        // ON CLUSTER drops every replica's rows, including ones this server has not seen; a whole drop takes rows
        // inserted since the read: only the key can vouch for them.
        if check.step.cluster != .none || check.whole, (check.step.keyEnd ?? .max) > check.floorCutoff {
            throw check.refusal("a partition goes whole (on a cluster, or by DROP PARTITION) only when its key proves every row it can hold "
                + "is older than the floor")
        }
    }

    /// The partition's parts as they are now, checked with their newest row; empty when it holds no rows.
    private static func partsNow(_ step: CleanupStep, catalog: SystemCatalog,
                                 check: (Int64) throws -> Void) async throws -> [SystemCatalog.PartSpan] {
        guard let partition = step.partitionID, let column = step.column else {
            throw CleanupGuard.Refusal(step: step.statementText, reason: "no partition")
        }
        let parts = try await catalog.parts(of: step.table, partition: partition, column: column)
        if let newest = parts.map(\.newest).max() { try check(newest) }
        return parts
    }

    /// On several replicas: a partition goes from none unless it is still old on each.
    static func checkAgain(_ step: CleanupStep, catalog: SystemCatalog, floor: CleanupFloor, now: Int64) async throws {
        _ = try await partsNow(step, catalog: catalog) { try CleanupGuard.check(step, floor: floor, now: now, newestValue: $0) }
    }

    /// Rows may have arrived since the plan was made: the partition's parts are read again, once, and
    /// checked before anything goes (and again after merges replace them, `PartBatchDrop`). On a cluster,
    /// where part names are one server's, the partition goes whole after that check; on one server as
    /// `PartitionDropMethod` chooses.
    static func run(_ step: CleanupStep, _ call: CleanupStepRunner.Call, _ executed: inout [String]) async throws -> CleanupActionResult {
        let catalog = SystemCatalog(client: call.client)
        let parts = try await partsNow(step, catalog: catalog) { try call.check(step, newestValue: $0) }
        guard let partition = step.partitionID, let column = step.column, let newest = parts.map(\.newest).max() else {
            return CleanupActionResult(reason: "the partition holds no rows any more: nothing to drop")
        }
        if step.cluster != .none {
            try await call.send(.dropPartition(step.table, partition, step.cluster), queryID: call.queryID, &executed)
            return CleanupActionResult(reason: step.reason)
        }
        if let whole = try await dropWhole(step, partition, parts: parts, newest: newest, catalog: catalog, call, &executed) {
            return CleanupActionResult(reason: whole)
        }
        let done = try await PartBatchDrop.run(
            parts, check: { try call.check(step, newestValue: $0.newest) },
            renew: { await call.lock?.renewIfDue() ?? true },
            drop: { parts, number in
                let statement = ClickHouseStatement.dropParts(step.table, parts.map(\.name), .none)
                do {
                    try await call.send(statement, queryID: "\(call.queryID)-parts\(number)", &executed)
                } catch let error as ClickHouseError where error.code == PartBatchDrop.noSuchPart {
                    // It ran up to the missing part: what ran is reported.
                    executed.append(statement.sql + " -- stopped at a part no longer active")
                    throw error
                }
            },
            read: { try await catalog.parts(of: step.table, partition: partition, column: column) })
        return CleanupActionResult(
            reason: "\(step.reason); by part, \(done.dropped) part(s) in \(done.statements) statement(s), each part checked first"
                + (done.rereads > 0 ? "; read again \(done.rereads) time(s) after merges replaced parts (a statement stopped at a missing "
                    + "part has dropped the ones before it, not counted here)" : ""))
    }

    /// The whole partition in one DROP PARTITION when `PartitionDropMethod` allows it, counting every active
    /// part (one without visible rows writes an empty part too); nil when its parts must go by name, also when
    /// it is over the server's drop guard (error 359 or 358), which a DROP PART is measured against one part at a time.
    private static func dropWhole(_ step: CleanupStep, _ partition: PartitionName, parts: [SystemCatalog.PartSpan], newest: Int64,
                                  catalog: SystemCatalog, _ call: CleanupStepRunner.Call, _ executed: inout [String]) async throws -> String? {
        // The guard, asked about a whole drop, answers whether the key proves every row is past the floor.
        let keyProven = (try? call.check(step, newestValue: newest, whole: true)) != nil
        guard PartitionDropMethod.choose(parts: parts.count, keyProven: keyProven, freedBytes: call.freedBytes) == .whole else { return nil }
        let active = try await catalog.partitionBytes(of: step.table, partition: partition, active: true).parts
        let count = max(parts.count, active)
        guard PartitionDropMethod.choose(parts: count, keyProven: keyProven, freedBytes: call.freedBytes) == .whole else { return nil }
        do {
            try await call.send(.dropPartition(step.table, partition, .none), queryID: call.queryID, &executed)
        } catch let error as ClickHouseError where (error.code == 359 || error.code == 358) && !call.settings.allowLargeDrops {
            return nil
        }
        return "\(step.reason); whole: its key proves every row is past the floor, and the empty parts it writes "
            + "(\(count)) fit in the \(ByteCount.readable(call.freedBytes)) this run had freed"
    }
}

extension CleanupStep.Action {
    static var dropPartition: Self { Self(DropPartitionAction.self) }
}
