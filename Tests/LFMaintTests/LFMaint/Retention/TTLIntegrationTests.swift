import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Synchronization
import Testing

/// `ttl plan` and `ttl apply` against the real ClickHouse 26.9 engine and clickhouse-server 18.16.
/// Serialised: every test here also plans the shared system log tables.
@Suite("TTL against real servers", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
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

    /// Langfuse's final schema, v4 and a v3 database that stopped before it: every table on the server is
    /// in the plan, the ones lfmaint expires get exactly their TTL, the others keep what they had.
    @Test(arguments: LangfuseFixture.Version.allCases)
    func applySetsExactlyThePlannedTTLsAndASecondApplyChangesNothing(version: LangfuseFixture.Version) async throws {
        let indexTable = version == .v4 ? "blob_storage_file_log" : "event_log"
        let fixture = try await LangfuseFixture.make("ttl\(version)", rows: 500,
                                                     configYAML: "retention: {tables: [{table: \(indexTable), days: 14}]}", version: version)
        defer { Task { await fixture.drop() } }
        let workflow = TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: false)
        let kept = ["dataset_run_items_rmt", "observations_batch_staging"] + (version == .v3 ? ["dataset_run_items"] : [])
        var untouchedBefore: [String: String] = [:]
        for table in kept where version == .v4 || table != "observations_batch_staging" {
            untouchedBefore[table] = try await fixture.scalar("SHOW CREATE TABLE `\(fixture.database)`.\(table)") + (try await fixture.fingerprint(of: table))
        }

        let plan = try await workflow.plan().filter { $0.table.database.name == fixture.database }
        let expiring = version.expiringTables.map(\.table) + [indexTable]
        #expect(Set(plan.filter { $0.action == .modify }.map(\.table.table.name)) == Set(expiring))
        let serverTables = try await fixture.scalar("SELECT groupArray(name) FROM (SELECT name FROM system.tables WHERE database = '\(fixture.database)' ORDER BY name)")
        #expect("[" + plan.map { "'\($0.table.table.name)'" }.sorted().joined(separator: ",") + "]" == serverTables, "every table the server has")
        for row in plan where !expiring.contains(row.table.table.name) {
            guard case .leave(let reason) = row.action, !reason.isEmpty else {
                Issue.record("\(row.table) should be left alone with a reason, got \(row.action)")
                continue
            }
        }
        if version == .v4 {
            let staging = try #require(plan.first { $0.table.table.name == "observations_batch_staging" })
            #expect(staging.action == .leave("Langfuse's own TTL (48 hours) expires it"))
        }

        let lines = Mutex<[String]>([])
        let outcomes = try await workflow.apply(materialize: false, log: StatementLog { line in lines.withLock { $0.append(line) } })
            .filter { $0.row.table.database.name == fixture.database }
        #expect(Set(outcomes.map(\.row.table.table.name)) == Set(expiring))
        #expect(outcomes.allSatisfy { $0.status == .applied && $0.verified })
        #expect(lines.withLock { $0 }.contains { $0.contains("\"table\":\"\(fixture.database).traces\"") && $0.contains("\"result\":\"ok\"") })

        let clauses = try await engineClauses(fixture)
        for (table, column, _) in version.expiringTables {
            #expect(clauses[table]?.ttl == "toDateTime(\(column)) + toIntervalDay(30)", "\(table)")
            #expect(clauses[table]?.settings["ttl_only_drop_parts"] == "1", "\(table)")
        }
        #expect(clauses[indexTable]?.ttl == "toDateTime(created_at) + toIntervalDay(14)")
        #expect(clauses[indexTable]?.settings["ttl_only_drop_parts"] == nil, "\(indexTable) is not partitioned by time")
        if version == .v4 {
            // Langfuse's own settings on events_full are still there beside lfmaint's.
            #expect(clauses["events_full"]?.settings["index_granularity_bytes"] != nil)
            #expect(clauses["observations_batch_staging"]?.ttl == "toDateTime(s3_first_seen_timestamp) + toIntervalHour(48)")
        }
        for (table, before) in untouchedBefore {
            #expect(try await fixture.scalar("SHOW CREATE TABLE `\(fixture.database)`.\(table)") + (try await fixture.fingerprint(of: table)) == before, "\(table)")
        }

        let again = try await workflow.apply(materialize: false).filter { $0.row.table.database.name == fixture.database }
        #expect(again.isEmpty)
        #expect(try await workflow.plan().filter { $0.table.database.name == fixture.database }.allSatisfy { !$0.action.changesSomething })
    }

    @Test func materializeRewritesWithinTheFreeSpaceAndKeepsEveryNewerRow() async throws {
        let fixture = try await LangfuseFixture.make("materialize")
        defer { Task { await fixture.drop() } }
        let bound = try await fixture.bound("INTERVAL 30 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        let outcomes = try await TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: false).apply(materialize: true)
            .filter { $0.row.table.database.name == fixture.database }
        let expiring = fixture.version.expiringTables.count
        #expect(outcomes.count == expiring && outcomes.allSatisfy { $0.status == .applied && $0.verified }, "\(outcomes.map { $0.message ?? "" })")
        try await fixture.settle()
        #expect(try await fixture.scalar("SELECT count() FROM system.mutations WHERE database = '\(fixture.database)' AND command LIKE '%MATERIALIZE TTL%'") == String(expiring))
        #expect(try await fixture.rowsPerDay(since: bound) == before)
    }

    @Test func afterOptimizeFinalNoExpiredRowRemainsAndEveryNewerRowDoes() async throws {
        let fixture = try await LangfuseFixture.make("expiry")
        defer { Task { await fixture.drop() } }
        let db = "`\(fixture.database)`"
        // Rows newer than the cutoff plus a margin, counted per day: the margin keeps rows that cross
        // the cutoff while the test runs out of the comparison.
        let bound = try await fixture.bound("INTERVAL 30 DAY + INTERVAL 1 HOUR")
        // OPTIMIZE FINAL keeps only the newest version of each row: compared is what Langfuse reads.
        let before = try await fixture.rowsPerDay(since: bound, final: true)
        for (table, column, _) in fixture.version.expiringTables {
            #expect(try await fixture.scalar("SELECT countIf(\(column) < now() - INTERVAL 30 DAY) > 0 FROM \(db).\(table)") == "1")
        }
        _ = try await TTLWorkflow(config: fixture.config, client: fixture.client, dropRotatedLogs: false).apply(materialize: false)
        for (table, column, _) in fixture.version.expiringTables {
            try await fixture.client.execute("OPTIMIZE TABLE \(db).\(table) FINAL")
            #expect(try await fixture.scalar("SELECT countIf(\(column) < now() - INTERVAL 30 DAY) FROM \(db).\(table)") == "0")
        }
        #expect(try await fixture.rowsPerDay(since: bound, final: true) == before, "rows newer than the TTL changed")
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
