import LFMaintEdges
import LFMaintSupport
import Logging

/// Runs one step that the budget and the guard let through, as its action says (`CleanupAction.run`), and
/// says what came of it: a refusal before any statement ran is a skip, after one a failure. It waits for
/// unfinished mutations before a rewrite when asked to, and the lock is renewed by time between statements.
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
            let call = Call(runner: self, queryID: queryID, now: now, freedBytes: freedBytes)
            let result = try await step.action.kind.run(step, call, &executed)
            if let reason = result.reason { outcome.reason = reason }
            if let pending = result.pendingBytes { outcome.pendingBytes = pending }
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

    /// What an action's run may use: this runner's server, floor, settings and lock, and the step's query id.
    struct Call: Sendable {
        let runner: CleanupStepRunner
        let queryID: String
        /// The server's clock at planning time: the floor is measured from it.
        let now: Int64
        /// What this run has freed on the volume so far, measured.
        let freedBytes: Int64

        var client: ClickHouseClient { runner.client }
        var settings: CleanupSettings { runner.options.settings }
        var reliefWaitSeconds: Double { runner.options.reliefWaitSeconds }
        var lock: CleanupLock? { runner.lock }

        func check(_ step: CleanupStep, newestValue: Int64, whole: Bool = false) throws {
            try CleanupGuard.check(step, floor: runner.floor, now: now, newestValue: newestValue, whole: whole)
        }

        func send(_ statement: ClickHouseStatement, queryID: String, _ executed: inout [String]) async throws {
            try await runner.send(statement, queryID: queryID, &executed)
        }
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
