import Foundation
import LFMaint
import Synchronization
import Testing

/// `ttl plan` and `ttl apply` against the real ClickHouse 26.9 engine and clickhouse-server 18.16.
/// Serialised: every test here also plans the shared system log tables.
@Suite("TTL against real servers", .serialized, .enabled(if: TestStack.isUp, "needs scripts/stack.sh up"))
struct TTLIntegrationTests {
    struct TableState: Decodable {
        let name: String
        let engine_full: String
    }

    func engineClauses(_ fixture: LangfuseFixture) async throws -> [String: EngineClauses] {
        let rows = try await fixture.client.read("SELECT name, engine_full FROM system.tables WHERE database = {db:String}",
                                                 parameters: ["db": fixture.database], as: TableState.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.name, EngineClauses(engineFull: $0.engine_full)) })
    }

    @Test func applySetsExactlyThePlannedTTLsAndASecondApplyChangesNothing() async throws {
        let fixture = try await LangfuseFixture.make("ttl", configYAML: "retention: {tables: [{table: event_log, column: created_at, days: 14}]}")
        defer { Task { await fixture.drop() } }
        let workflow = TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: false)

        let plan = try await workflow.plan().filter { $0.table.database.name == fixture.database }
        #expect(plan.map(\.table.table.name) == ["event_log", "observations", "scores", "traces"])
        #expect(plan.allSatisfy { $0.action == .modify })

        let lines = Mutex<[String]>([])
        let outcomes = try await workflow.apply(materialize: false, log: StatementLog { line in lines.withLock { $0.append(line) } })
            .filter { $0.row.table.database.name == fixture.database }
        #expect(outcomes.count == 4)
        #expect(outcomes.allSatisfy { $0.status == .applied && $0.verified })
        #expect(lines.withLock { $0 }.contains { $0.contains("\"table\":\"\(fixture.database).traces\"") && $0.contains("\"result\":\"ok\"") })

        let clauses = try await engineClauses(fixture)
        #expect(clauses["traces"]?.ttl == "toDateTime(timestamp) + toIntervalDay(30)")
        #expect(clauses["observations"]?.ttl == "toDateTime(start_time) + toIntervalDay(30)")
        #expect(clauses["scores"]?.ttl == "toDateTime(timestamp) + toIntervalDay(30)")
        #expect(clauses["event_log"]?.ttl == "toDateTime(created_at) + toIntervalDay(14)")
        for table in ["traces", "observations", "scores"] { #expect(clauses[table]?.settings["ttl_only_drop_parts"] == "1") }
        #expect(clauses["event_log"]?.settings["ttl_only_drop_parts"] == nil, "event_log is not partitioned by time")

        let again = try await workflow.apply(materialize: false).filter { $0.row.table.database.name == fixture.database }
        #expect(again.isEmpty)
        #expect(try await workflow.plan().filter { $0.table.database.name == fixture.database }.allSatisfy { $0.action == .none })
    }

    @Test func materializeRewritesWithinTheFreeSpaceAndKeepsEveryNewerRow() async throws {
        let fixture = try await LangfuseFixture.make("materialize")
        defer { Task { await fixture.drop() } }
        let bound = try await fixture.bound("INTERVAL 30 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        let outcomes = try await TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: false).apply(materialize: true)
            .filter { $0.row.table.database.name == fixture.database }
        #expect(outcomes.count == 3 && outcomes.allSatisfy { $0.status == .applied && $0.verified }, "\(outcomes.map { $0.message ?? "" })")
        try await fixture.settle()
        #expect(try await fixture.scalar("SELECT count() FROM system.mutations WHERE database = '\(fixture.database)' AND command LIKE '%MATERIALIZE TTL%'") == "3")
        #expect(try await fixture.rowsPerDay(since: bound) == before)
    }

    @Test func afterOptimizeFinalNoExpiredRowRemainsAndEveryNewerRowDoes() async throws {
        let fixture = try await LangfuseFixture.make("expiry")
        defer { Task { await fixture.drop() } }
        let db = "`\(fixture.database)`"
        // Rows newer than the cutoff plus a margin, counted per day: the margin keeps rows that cross
        // the cutoff while the test runs out of the comparison.
        let bound = try await fixture.bound("INTERVAL 30 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        for (table, column) in LangfuseFixture.appTables {
            #expect(try await fixture.scalar("SELECT countIf(\(column) < now() - INTERVAL 30 DAY) > 0 FROM \(db).\(table)") == "1")
        }
        _ = try await TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: false).apply(materialize: false)
        for (table, column) in LangfuseFixture.appTables {
            try await fixture.client.execute("OPTIMIZE TABLE \(db).\(table) FINAL")
            #expect(try await fixture.scalar("SELECT countIf(\(column) < now() - INTERVAL 30 DAY) FROM \(db).\(table)") == "0")
        }
        #expect(try await fixture.rowsPerDay(since: bound) == before, "rows newer than the TTL changed")
    }

    @Test func rotatedLogsAreOnlyDroppedWhenAskedAndNothingElseIs() async throws {
        let fixture = try await LangfuseFixture.make("rotated", rows: 10)
        defer { Task { await fixture.drop() } }
        // The engine creates its log tables at their first flush; on a fresh stack that is now.
        try await fixture.client.execute("SYSTEM FLUSH LOGS")
        let suffix = UInt16.random(in: 100...9000)
        let rotated = "query_log_\(suffix)"
        // Named like a rotated log, but not one: a user's table with other columns.
        let impostor = "query_log_\(suffix + 1)"
        let lookalike = "my_query_log_\(suffix)"
        try await fixture.client.execute("CREATE TABLE system.\(rotated) AS system.query_log")
        try await fixture.client.execute("INSERT INTO system.\(rotated) (event_date, query) SELECT today(), repeat('x', 100) FROM numbers(1000)")
        for name in [impostor, lookalike] {
            try await fixture.client.execute("CREATE TABLE system.\(name) (event_date Date, x String) ENGINE = MergeTree ORDER BY event_date")
            try await fixture.client.execute("INSERT INTO system.\(name) SELECT today(), repeat('x', 100) FROM numbers(1000)")
        }
        defer { Task { for name in [impostor, lookalike] { _ = try? await fixture.client.execute("DROP TABLE IF EXISTS system.\(name) SYNC") } } }

        let reported = try await TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: false).plan()
        let row = try #require(reported.first { $0.table.table.name == rotated })
        #expect(row.action.description.hasPrefix("skip: rotated log, "))
        #expect(!reported.contains { $0.table.table.name == lookalike || $0.table.table.name == impostor })

        let outcomes = try await TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: true).apply(materialize: false)
        #expect(outcomes.contains { $0.row.table.table.name == rotated && $0.row.action == .drop && $0.verified })
        let remaining = try await fixture.scalar("""
            SELECT groupArray(name) FROM (SELECT name FROM system.tables WHERE database = 'system'
            AND name IN ('query_log', '\(rotated)', '\(impostor)', '\(lookalike)') ORDER BY name)
            """)
        #expect(remaining == "['\(lookalike)','query_log','\(impostor)']")
    }

    @Test func anOldServerIsRefusedWithItsVersionAndNothingChanges() async throws {
        var settings = ClickHouseSettings()
        settings.url = try TestStack.ch18URL
        settings.user = try TestStack.clickhouseUser
        settings.password = try TestStack.clickhousePassword
        settings.clusterEnabled = false
        let client = ClickHouseClient(settings: settings)
        let table = "traces_\(UInt32.random(in: 0...UInt32.max))"
        try await client.execute("CREATE TABLE default.\(table) (timestamp DateTime, id String) ENGINE = MergeTree PARTITION BY toYYYYMM(timestamp) ORDER BY id")
        defer { Task { _ = try? await client.execute("DROP TABLE IF EXISTS default.\(table)") } }
        let before = try await client.readText("SHOW CREATE TABLE default.\(table)")

        var config = Configuration()
        config.clickhouse = settings
        config.retention.tables = [TableRetention(database: nil, table: SQLIdentifier(table)!, column: SQLIdentifier("timestamp")!, days: 3)]
        await #expect(throws: ClickHouseError.unsupported(host: settings.url, serverVersion: "18.16.1", feature: .ttl)) {
            try await TTLWorkflow(config: config, client: client, dropRotatedLogs: false).apply(materialize: false)
        }
        #expect(try await client.readText("SHOW CREATE TABLE default.\(table)") == before)
    }
}
