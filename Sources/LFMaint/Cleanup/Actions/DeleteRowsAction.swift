import LFMaintEdges
import LFMaintSupport

/// The rows past the cutoff in one partition that straddles it: a DELETE limited to that partition, then
/// (only if it succeeded) APPLY DELETED MASK in that partition, which frees the space. Never on a system log:
/// those go by partition.
enum DeleteRowsAction: CleanupAction {
    static let name = "delete rows"
    static let rewritesParts = true

    /// The rows past the cutoff in each partition that straddles it, one partition at a time.
    static func steps(in round: CleanupRound, _ planning: inout CleanupPlanning) -> [CleanupStep] {
        guard case let .tier(rules, days) = round else { return [] }
        var steps: [CleanupStep] = []
        for rule in rules where rule.kind != .systemLog {
            let cutoff = planning.cutoff(rule, days: days)
            for partition in planning.state.partitions where partition.table == rule.table && partition.column.name == rule.column
                && !planning.dropped.contains(CleanupPlanning.key(partition)) {
                guard let bound = partition.column.bound(before: cutoff), let older = share(of: partition, before: bound) else { continue }
                let key = CleanupPlanning.key(partition)
                let estimate = Int64(Double(partition.bytes) * max(0, older - planning.deletedShare[key, default: 0]))
                planning.deletedShare[key] = older
                var step = planning.onHolders(partition, CleanupStep(
                    table: rule.table, action: .deleteRows, cluster: planning.cluster, partitionID: partition.partitionID, column: partition.column,
                    bound: bound, estimatedBytes: estimate, requiredFreeBytes: 2 * partition.bytes,
                    reason: "rows older than \(days) days in partition \(partition.partition), then APPLY DELETED MASK in that partition "
                        + "frees them\(CleanupPlanning.holders(partition))"))
                step.partitionBytes = partition.bytes
                steps.append(step)
            }
        }
        return steps
    }

    /// The share of a partition's span before `bound` (nil when none of it is): the estimate assumes rows
    /// spread evenly over the span.
    static func share(of partition: PartitionFacts, before bound: ColumnBound) -> Double? {
        let limit: Int64
        switch bound {
        case .day(let day): limit = day
        case .second(let second): limit = second
        }
        guard partition.oldest < limit else { return nil }
        let span = Double(partition.newest) - Double(partition.oldest) + 1
        return min(1, (Double(limit) - Double(partition.oldest)) / span)
    }

    static func statements(_ step: CleanupStep) -> [ClickHouseStatement] {
        guard let partitionID = step.partitionID, let column = step.column, let bound = step.bound else { return [] }
        return [.deleteInPartition(step.table, partitionID, column: column.name, before: bound, step.cluster),
                .applyDeletedMask(step.table, partitionID, step.cluster)]
    }

    static func check(_ check: CleanupGuard.Check) throws {
        guard let bound = check.step.bound, let column = check.step.column, check.step.partitionID != nil else {
            throw check.refusal("no bound on the rows it removes, or no partition")
        }
        // A date compared with an instant is midnight of that date: the whole day of the cutoff would go.
        guard column.isDate == (bound.day != nil) else { throw check.refusal("its bound is not of the column's kind (\(column.kind))") }
        try check.pastFloor(bound.rowsEnd)
    }

    /// DELETE in the partition, then APPLY DELETED MASK in it only if the DELETE succeeded, then the space claimed.
    static func run(_ step: CleanupStep, _ call: CleanupStepRunner.Call, _ executed: inout [String]) async throws -> CleanupActionResult {
        let statements = statements(step)
        guard statements.count == 2, let partition = step.partitionID else {
            throw CleanupGuard.Refusal(step: step.statementText, reason: "no partition or bound")
        }
        let catalog = SystemCatalog(client: call.client)
        let before = try await catalog.partitionBytes(of: step.table, partition: partition, active: true)
        let late = LateSpace(client: call.client, waitSeconds: call.reliefWaitSeconds)
        // On several replicas each keeps its own outdated parts: there the space is only counted.
        let hastened = step.replicas.isEmpty ? await late.prepare(step.table, cluster: step.cluster) : nil
        do {
            do {
                try await call.send(statements[0], queryID: "\(call.queryID)-delete", &executed)
            } catch let error as ClickHouseError where error.code == 62 {
                // A syntax error ran nothing: an older server without `IN PARTITION` gets the filter form.
                guard case let .deleteInPartition(table, id, column, bound, cluster) = statements[0] else { throw error }
                try await call.send(.deleteWherePartitionID(table, id, column: column, before: bound, cluster),
                                    queryID: "\(call.queryID)-delete", &executed)
            }
            if let lock = call.lock, await !lock.renewIfDue() { throw CleanupStepRunner.LockLost() }
            try await call.send(statements[1], queryID: "\(call.queryID)-apply-mask", &executed)
        } catch {
            _ = await late.reclaim(step.table, partition: partition, released: 0, hastened: hastened)
            throw error
        }
        let after = try? await catalog.partitionBytes(of: step.table, partition: partition, active: true)
        let (pending, note) = await late.reclaim(step.table, partition: partition, released: before.bytes - (after?.bytes ?? before.bytes),
                                                 hastened: hastened)
        return CleanupActionResult(reason: step.reason + note, pendingBytes: pending)
    }

    /// The estimate from the rows it would remove now, not from the span: one row from the future would make
    /// the span's share of it near nothing while the DELETE takes almost all. The caps count this figure;
    /// when it cannot be read, the whole partition.
    static func counted(_ step: CleanupStep, catalog: SystemCatalog) async -> CleanupStep {
        guard !step.onlyWithoutHeadroom, let partition = step.partitionID, let column = step.column, let bound = step.bound else { return step }
        var counted = step
        let share = try? await catalog.share(of: step.table, partition: partition, column: column, before: bound)
        counted.estimatedBytes = Int64(Double(step.partitionBytes) * (share ?? 1))
        return counted
    }
}

extension CleanupStep.Action {
    static var deleteRows: Self { Self(DeleteRowsAction.self) }
}
