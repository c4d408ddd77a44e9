import Foundation
import LFMaintEdges
import LFMaintSupport

/// What happened to one planned step in `ttl apply`.
public struct TTLOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        case applied, failed, refused
    }

    public var row: TTLStep
    public var status: Status
    /// True once a fresh read of the server shows the planned state.
    public var verified: Bool
    var message: String?
}

/// Runs the `modify` and `drop` steps of a plan, then reads the server again to verify each one.
struct TTLExecutor: Sendable {
    let client: ClickHouseClient
    let planner: TTLPlanner
    let log: StatementLog
    /// The servers a MATERIALIZE TTL rewrites parts on (every replica on a cluster; nil or one: `client`):
    /// the least free space among them is what a rewrite may take, and with any unknown none is run.
    let replicas: ReplicaSet?

    init(client: ClickHouseClient, planner: TTLPlanner, log: StatementLog = StatementLog(), replicas: ReplicaSet? = nil) {
        self.client = client
        self.planner = planner
        self.log = log
        self.replicas = replicas
    }

    func apply(_ plan: [TTLStep], rules: [RetentionRule], materialize: Bool) async throws -> [TTLOutcome] {
        var outcomes: [TTLOutcome] = []
        var freeForRewrites: Int64?
        for row in plan where row.action.changesSomething {
            var outcome = TTLOutcome(row: row, status: .applied, verified: false)
            for statement in row.statements {
                if let error = await run(statement, table: row.table) {
                    outcome.status = .failed
                    outcome.message = String(describing: error)
                    break
                }
            }
            if outcome.status == .applied, materialize, row.action == .modify {
                outcome = await self.materialize(outcome, free: &freeForRewrites)
            }
            outcomes.append(outcome)
        }
        return try await verify(outcomes, rules: rules)
    }

    private func run(_ statement: ClickHouseStatement, table: QualifiedTableName) async -> Error? {
        let start = ContinuousClock.now
        var failure: Error?
        do {
            try await client.execute(statement)
        } catch {
            failure = error
        }
        log.record(table: table, statement: statement.sql, durationSeconds: (ContinuousClock.now - start).inSeconds, error: failure)
        return failure
    }

    /// The least free space of the servers a rewrite runs on, each asked at once within a replica's deadline.
    private func leastFree() async throws -> Int64 {
        let servers = replicas.map { $0.isSingle ? [client] : $0.replicas.map(\.client) } ?? [client]
        return try await withThrowingTaskGroup(of: Int64.self) { group in
            for server in servers {
                group.addTask {
                    try await withDeadline(seconds: ClickHouseReplicas.answerSeconds) {
                        try await server.require(.systemDisks)
                        return Int64(try await server.readText("SELECT toInt64(min(free_space)) FROM system.disks")) ?? 0
                    }
                }
            }
            return try await group.reduce(Int64.max, min)
        }
    }

    /// `MATERIALIZE TTL` rewrites the table's parts; refused unless the disk (each replica's) can hold a second copy.
    /// The rewrites run in the background, all at once: free space is read once (`free`, nil until
    /// then) and each rewrite granted takes its table's size from it.
    private func materialize(_ outcome: TTLOutcome, free: inout Int64?) async -> TTLOutcome {
        var outcome = outcome
        if let unknown = replicas?.failure {
            outcome.status = .refused
            outcome.message = "MATERIALIZE TTL refused: not every replica's free space can be read (\(unknown))"
            return outcome
        }
        guard let needed = outcome.row.totalBytes else {
            outcome.status = .refused
            outcome.message = "MATERIALIZE TTL refused: the table's size is unknown, so the free space it needs is too"
            return outcome
        }
        do {
            if free == nil { free = max(0, try await leastFree()) }
        } catch {
            outcome.status = .failed
            outcome.message = String(describing: error)
            return outcome
        }
        let left = free ?? 0
        guard left >= needed else {
            outcome.status = .refused
            outcome.message = "MATERIALIZE TTL refused: it may rewrite \(ByteCount.readable(needed)) and the disk has \(ByteCount.readable(left)) free "
                + "after the rewrites already granted"
            return outcome
        }
        free = left - needed
        if let error = await run(.materializeTTL(outcome.row.table, planner.cluster), table: outcome.row.table) {
            outcome.status = .failed
            outcome.message = String(describing: error)
        }
        return outcome
    }

    private func verify(_ outcomes: [TTLOutcome], rules: [RetentionRule]) async throws -> [TTLOutcome] {
        let facts = try await SystemCatalog(client: client).facts(for: outcomes.map(\.row.table))
        return outcomes.map { outcome in
            var outcome = outcome
            switch outcome.row.action {
            case .drop:
                outcome.verified = facts[outcome.row.table] == nil
            case .modify:
                if let rule = rules.first(where: { $0.table == outcome.row.table }), let table = facts[rule.table] {
                    outcome.verified = planner.plan(rules: [rule], facts: [rule.table: table]).first?.action == TTLStep.Action.none
                }
            case .none, .skip, .leave:
                break
            }
            if outcome.status == .applied, !outcome.verified {
                outcome.status = .failed
                outcome.message = "the server does not show the planned TTL after the change"
            }
            return outcome
        }
    }
}
