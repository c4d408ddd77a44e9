import LFMaintEdges
import LFMaintSupport
import Logging

/// Runs one step that the budget and the guard let through, and says what came of it. A partition
/// goes as `PartitionDropMethod` chooses, its parts read once and checked before anything goes; a
/// DELETE's APPLY DELETED MASK runs only after the DELETE succeeded; the space a rewrite frees is
/// claimed (`LateSpace`). The lock is renewed by time between statements.
struct CleanupStepRunner: Sendable {
    let client: ClickHouseClient
    let floor: CleanupFloor
    let options: CleanupExecutor.Options
    let lock: CleanupLock?
    private let logger = Logger(label: "lfmaint.cleanup")

    init(client: ClickHouseClient, floor: CleanupFloor, options: CleanupExecutor.Options, lock: CleanupLock?) {
        self.client = client
        self.floor = floor
        self.options = options
        self.lock = lock
    }

    struct LockLost: Error, CustomStringConvertible {
        var description: String { "the cleanup lock could not be renewed or was lost; stopped so that two runs never overlap" }
    }

    /// `now` is the server's clock at planning time: the floor is measured from it. `freedBytes`: what
    /// this run has freed on the volume so far, measured. A step that names replicas runs on them
    /// (`runOnReplicas`).
    func run(_ step: CleanupStep, _ outcome: CleanupOutcome, queryID: String, now: Int64, replicas: ReplicaSet?,
             freedBytes: Int64 = 0) async -> CleanupOutcome {
        guard !step.replicas.isEmpty else { return await runHere(step, outcome, queryID: queryID, now: now, freedBytes: freedBytes) }
        return await runOnReplicas(step, outcome, queryID: queryID, now: now, replicas: replicas)
    }

    private func runHere(_ step: CleanupStep, _ outcome: CleanupOutcome, queryID: String, now: Int64,
                         freedBytes: Int64) async -> CleanupOutcome {
        var (outcome, executed) = await perform(step, outcome, queryID: queryID, now: now, freedBytes: freedBytes)
        if !executed.isEmpty { outcome.statements = executed }
        return outcome
    }

    /// The step on this runner's server, and the statements that ran there.
    func perform(_ step: CleanupStep, _ outcome: CleanupOutcome, queryID: String, now: Int64,
                 freedBytes: Int64 = 0) async -> (CleanupOutcome, [String]) {
        var outcome = outcome
        var executed: [String] = []
        do {
            if options.settings.waitMutations, step.action.rewritesParts { try await waitForMutations(on: step.table) }
            switch step.action {
            case .dropTable:
                try await send(.dropTable(step.table, step.cluster), queryID: queryID, &executed)
            case .dropPartition:
                outcome.reason = try await dropPartition(step, queryID: queryID, now: now, freedBytes: freedBytes, &executed)
            case .deleteRows:
                let (pending, note) = try await deleteRows(step, queryID: queryID, &executed)
                outcome.pendingBytes = pending
                outcome.reason = step.reason + note
            }
            outcome.status = .done
        } catch let lost as LockLost {
            outcome.status = .failed
            outcome.reason = lost.description
            outcome.lostLock = true
        } catch let refusal as CleanupGuard.Refusal {
            // A refusal after statements ran (a part re-read after a merge holds a newer row) is no skip: the
            // step ran in part, and counts against the caps.
            outcome.status = executed.isEmpty ? .skipped : .failed
            outcome.reason = refusal.description + (executed.isEmpty ? "" : " (after \(executed.count) statement(s) had run)")
        } catch {
            outcome.status = .failed
            outcome.reason = Self.describe(error, step: step, queryID: queryID, timeout: options.settings.statementTimeoutSeconds)
                + (executed.isEmpty ? "" : " (after \(executed.count) statement(s) had run)")
        }
        return (outcome, executed)
    }

    private func send(_ statement: ClickHouseStatement, queryID: String, _ executed: inout [String]) async throws {
        var settings: [String: String] = [:]
        if options.settings.allowLargeDrops {
            settings["max_partition_size_to_drop"] = "0"
            settings["max_table_size_to_drop"] = "0"
        }
        logger.info("running", metadata: ["statement": "\(statement.sql)", "query_id": "\(queryID)"])
        try await client.execute(statement, settings: settings, queryID: queryID, timeoutSeconds: options.settings.statementTimeoutSeconds)
        executed.append(statement.sql)
    }

    /// Rows may have arrived since the plan was made: the partition's parts are read again, once, and
    /// checked before anything goes. On a cluster, where part names are one server's, the partition goes
    /// whole after that check; on one server as `PartitionDropMethod` chooses.
    private func dropPartition(_ step: CleanupStep, queryID: String, now: Int64, freedBytes: Int64,
                               _ executed: inout [String]) async throws -> String {
        guard let partition = step.partitionID, let column = step.column else {
            throw CleanupGuard.Refusal(step: step.statementText, reason: "no partition")
        }
        let catalog = SystemCatalog(client: client)
        let parts = try await catalog.parts(of: step.table, partition: partition, column: column)
        guard let newest = parts.map(\.newest).max() else { return "the partition holds no rows any more: nothing to drop" }
        try CleanupGuard.check(step, floor: floor, now: now, newestValue: newest)
        if step.cluster != .none {
            try await send(.dropPartition(step.table, partition, step.cluster), queryID: queryID, &executed)
            return step.reason
        }
        if let whole = try await dropWhole(step, partition, parts: parts, newest: newest, now: now, freedBytes: freedBytes,
                                           queryID: queryID, &executed) {
            return whole
        }
        let done = try await PartBatchDrop.run(
            parts, check: { try CleanupGuard.check(step, floor: floor, now: now, newestValue: $0.newest) },
            renew: { await lock?.renewIfDue() ?? true },
            drop: { parts, number in
                let statement = ClickHouseStatement.dropParts(step.table, parts.map(\.name), .none)
                do {
                    try await send(statement, queryID: "\(queryID)-parts\(number)", &executed)
                } catch let error as ClickHouseError where error.code == PartBatchDrop.noSuchPart {
                    // It ran up to the missing part: what ran is reported.
                    executed.append(statement.sql + " -- stopped at a part no longer active")
                    throw error
                }
            },
            read: { try await catalog.parts(of: step.table, partition: partition, column: column) })
        return "\(step.reason); by part, \(done.dropped) part(s) in \(done.statements) statement(s), each part checked first"
            + (done.rereads > 0 ? "; read again \(done.rereads) time(s) after merges replaced parts (a statement stopped at a missing "
                + "part has dropped the ones before it, not counted here)" : "")
    }

    /// The whole partition in one DROP PARTITION when `PartitionDropMethod` allows it, counting every active
    /// part (one without visible rows writes an empty part too); nil when its parts must go by name, also when
    /// it is over the server's drop guard (error 359), which a DROP PART is measured against one part at a time.
    private func dropWhole(_ step: CleanupStep, _ partition: PartitionName, parts: [SystemCatalog.PartSpan], newest: Int64, now: Int64,
                           freedBytes: Int64, queryID: String, _ executed: inout [String]) async throws -> String? {
        let keyProven = (step.keyEnd ?? .max) <= floor.cutoff(for: step.table, now: now)
        guard PartitionDropMethod.choose(parts: parts.count, keyProven: keyProven, freedBytes: freedBytes) == .whole else { return nil }
        let active = try await SystemCatalog(client: client).partitionBytes(of: step.table, partition: partition, active: true).parts
        let count = max(parts.count, active)
        guard PartitionDropMethod.choose(parts: count, keyProven: keyProven, freedBytes: freedBytes) == .whole else { return nil }
        try CleanupGuard.check(step, floor: floor, now: now, newestValue: newest, whole: true)
        do {
            try await send(.dropPartition(step.table, partition, .none), queryID: queryID, &executed)
        } catch let error as ClickHouseError where (error.code == 359 || error.code == 358) && !options.settings.allowLargeDrops {
            return nil
        }
        return "\(step.reason); whole: its key proves every row is past the floor, and the empty parts it writes "
            + "(\(count)) fit in the \(ByteCount.readable(freedBytes)) this run had freed"
    }

    /// DELETE in the partition, then APPLY DELETED MASK in it only if the DELETE succeeded, then the space claimed.
    private func deleteRows(_ step: CleanupStep, queryID: String, _ executed: inout [String]) async throws -> (Int64, String) {
        guard step.statements.count == 2, let partition = step.partitionID else {
            throw CleanupGuard.Refusal(step: step.statementText, reason: "no partition or bound")
        }
        let catalog = SystemCatalog(client: client)
        let before = try await catalog.partitionBytes(of: step.table, partition: partition, active: true)
        let late = LateSpace(client: client, waitSeconds: options.reliefWaitSeconds)
        // On several replicas each keeps its own outdated parts: there the space is only counted.
        let hastened = step.replicas.isEmpty ? await late.prepare(step.table, cluster: step.cluster) : nil
        do {
            do {
                try await send(step.statements[0], queryID: "\(queryID)-delete", &executed)
            } catch let error as ClickHouseError where error.code == 62 {
                // A syntax error ran nothing: an older server without `IN PARTITION` gets the filter form.
                guard case let .deleteInPartition(table, id, column, bound, cluster) = step.statements[0] else { throw error }
                try await send(.deleteWherePartitionID(table, id, column: column, before: bound, cluster), queryID: "\(queryID)-delete", &executed)
            }
            if let lock, await !lock.renewIfDue() { throw LockLost() }
            try await send(step.statements[1], queryID: "\(queryID)-apply-mask", &executed)
        } catch {
            _ = await late.reclaim(step.table, partition: partition, released: 0, hastened: hastened)
            throw error
        }
        let after = try? await catalog.partitionBytes(of: step.table, partition: partition, active: true)
        return await late.reclaim(step.table, partition: partition, released: before.bytes - (after?.bytes ?? before.bytes), hastened: hastened)
    }

    struct MutationsStuck: Error, CustomStringConvertible {
        let table: QualifiedTableName
        let seconds: Int
        var description: String { "\(table) still had unfinished mutations after \(seconds) s (see system.mutations.latest_fail_reason)" }
    }

    /// At most one statement timeout: a mutation stuck on NOT_ENOUGH_SPACE retries for ever.
    private func waitForMutations(on table: QualifiedTableName) async throws {
        let catalog = SystemCatalog(client: client)
        let deadline = ContinuousClock.now + .seconds(options.settings.statementTimeoutSeconds)
        while true {
            let left = try await catalog.unfinishedMutationParts(of: table)
            guard left > 0 else { break }
            guard ContinuousClock.now < deadline else { throw MutationsStuck(table: table, seconds: Int(options.settings.statementTimeoutSeconds)) }
            if let lock, await !lock.renewIfDue() { throw LockLost() }
            logger.info("waiting for mutations", metadata: ["table": "\(table)", "parts_to_do": "\(left)"])
            try await Task.sleep(for: .seconds(5))
        }
        if let lock, await !lock.renewIfDue() { throw LockLost() }
    }

    static func describe(_ error: Error, step: CleanupStep, queryID: String, timeout: Double) -> String {
        switch error {
        case let error as ClickHouseError where error.code == 359 || error.code == 358:
            "larger than the server's drop guard (max_partition_size_to_drop / max_table_size_to_drop, 50 GB by default): "
                + "rerun with --allow-large-drops to lift it for lfmaint's own statements"
        case let error as ClickHouseError where error.isOutOfSpace:
            "not enough space to run it (NOT_ENOUGH_SPACE): \(error)"
        case is CancellationError:
            "abandoned: lfmaint stopped while it ran; the server finishes it or not on its own (query_id \(queryID))"
        case ClickHouseError.transport(.timedOut):
            "timed out after \(Int(timeout)) s; the server may still be running it (query_id \(queryID))"
        default:
            String(describing: error)
        }
    }
}
