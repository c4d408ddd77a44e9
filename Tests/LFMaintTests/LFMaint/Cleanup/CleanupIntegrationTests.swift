import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// `lfmaint cleanup` against the real ClickHouse 26.9 engine. The stack's disk is far from full, so
/// these runs use a 2% threshold and a 1% target: every allowed step runs, down to the floor.
@Suite("Cleanup against the real engine", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct CleanupIntegrationTests {
    let cli = CommandLineTests()
    func everything(_ fixture: LangfuseFixture) async throws -> String {
        try await fixture.scalar("SELECT groupArray((table, rows)) FROM (SELECT table, sum(rows) AS rows FROM system.parts WHERE active AND database = '\(fixture.database)' GROUP BY table ORDER BY table)")
    }

    /// For driving the executor directly: the plan at a 2% threshold, the server's state, and a reading at
    /// 50% of 100 GiB — headroom enough that the emergency drops of live system logs stay refused.
    func directRun(_ fixture: LangfuseFixture) async throws -> (planner: CleanupPlanner, state: CleanupState, reading: VolumeReading) {
        var config = fixture.config
        config.cleanup.thresholdPercent = 2
        config.cleanup.targetPercent = 1
        let rules = RetentionPolicy.defaultRules(for: config)
        let volume = VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse)
        return (CleanupPlanner(policy: CleanupPolicy(config: config, rules: rules)),
                try await CleanupStateReader(client: fixture.client).state(rules: rules),
                try #require(VolumeReading(fullestOf: [VolumeSample(volume: volume, usedBytes: 50 << 30, totalBytes: 100 << 30,
                                                                    availableBytes: 50 << 30)])))
    }

    @Test func aDryRunListsEveryStepWithItsEstimateAndChangesNothing() async throws {
        let fixture = try await LangfuseFixture.make("dry")
        defer { Task { await fixture.drop() } }
        let before = try await everything(fixture)
        let result = try cli.run(["cleanup", "--dry-run", "--threshold", "2", "--target", "1", "--output", "json"], environment: fixture.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        let mine = steps.filter { ($0["table"] as? String)?.hasPrefix(fixture.database) == true }
        #expect(mine.contains { $0["action"] as? String == "drop partition" && ($0["estimatedBytes"] as? Int ?? 0) > 0 })
        #expect(mine.allSatisfy { $0["status"] as? String == "planned" })
        #expect(try await everything(fixture) == before)
    }

    /// Down to the floor on Langfuse's final schema (v4) and on a v3 database: every version of every newer
    /// row stays, and the tables lfmaint never expires (dataset runs, the staging table, the S3 file index,
    /// v3's event_log) are exactly as they were.
    @Test(arguments: LangfuseFixture.Version.allCases)
    func aRunDownToTheFloorKeepsEveryNewerRowAndExits3(version: LangfuseFixture.Version) async throws {
        let fixture = try await LangfuseFixture.make("floor\(version)", version: version)
        defer { Task { await fixture.drop() } }
        let untouched = ["dataset_run_items_rmt", "blob_storage_file_log"]
            + (version == .v4 ? ["observations_batch_staging"] : ["dataset_run_items", "event_log", "project_environments"])
        var fingerprints: [String] = []
        for table in untouched { fingerprints.append(try await fixture.fingerprint(of: table)) }
        // A fixed bound an hour inside the floor, so the window does not slide while the test runs.
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        // Every row older than this, taken before the run, must be gone after it (the run's own cutoff is later).
        let floorBound = try await fixture.bound("INTERVAL 7 DAY")
        let result = try cli.run(["cleanup", "--threshold", "2", "--target", "1", "--floor-days", "7", "--output", "json"], environment: fixture.environment)
        #expect(result.status == 3, "still above the 2% threshold: \(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("\"event\":\"cleanup-step\""))
        try await fixture.settle()
        #expect(try await fixture.rows(before: floorBound) == 0)
        #expect(try await fixture.rowsPerDay(since: bound) == before)
        var fingerprintsAfter: [String] = []
        for table in untouched { fingerprintsAfter.append(try await fixture.fingerprint(of: table)) }
        #expect(fingerprintsAfter == fingerprints, "\(untouched)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        #expect(steps.contains { $0["action"] as? String == "drop partition" && $0["status"] as? String == "done" })
        let touched = Set(steps.filter { $0["status"] as? String == "done" }.compactMap { $0["table"] as? String }
            .filter { $0.hasPrefix(fixture.database + ".") })
        #expect(touched == Set(version.expiringTables.map { "\(fixture.database).\($0.table)" }))
        #expect(Set(report.keys).isSuperset(of: ["before", "after", "target", "threshold", "steps"]))
    }

    @Test func theDropCapCountsWholeTableDropsAndStopsEveryDropPastIt() async throws {
        let fixture = try await LangfuseFixture.make("cap")
        defer { Task { await fixture.drop() } }
        try await fixture.client.execute("SYSTEM FLUSH LOGS")
        let rotated = "query_log_\(UInt16.random(in: 100...9999))"
        try await fixture.client.execute("CREATE TABLE system.\(rotated) AS system.query_log")
        try await fixture.client.execute("INSERT INTO system.\(rotated) (event_date, query) SELECT today() - 3, randomPrintableASCII(200) FROM numbers(5000)")
        defer { Task { _ = try? await fixture.client.execute("DROP TABLE IF EXISTS system.\(rotated) SYNC") } }
        func steps(_ extra: [String]) throws -> [[String: Any]] {
            let result = try cli.run(["cleanup", "--threshold", "2", "--target", "1", "--output", "json"] + extra, environment: fixture.environment)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
            return try #require(report["steps"] as? [[String: Any]])
        }
        func isRotated(_ step: [String: Any]) -> Bool { step["table"] as? String == "system.\(rotated)" }
        func isMine(_ step: [String: Any]) -> Bool { (step["table"] as? String)?.hasPrefix(fixture.database + ".") == true }

        // The cap: everything the uncapped plan drops before this fixture's first partition, plus half that
        // partition. Its drop table comes first and fits; then neither that partition nor any drop after it does.
        let uncapped = try steps(["--dry-run"]).filter { $0["status"] as? String == "planned" && ($0["action"] as? String)?.hasPrefix("drop") == true }
        let first = try #require(uncapped.firstIndex { isMine($0) && $0["action"] as? String == "drop partition" })
        #expect(uncapped[..<first].contains(where: isRotated), "the rotated log is planned before the partitions")
        let bytes = uncapped.map { $0["estimatedBytes"] as? Int ?? 0 }
        #expect(bytes[first] > 0)
        let cap = Double(bytes[..<first].reduce(0, +) + bytes[first] / 2) / Double(1 << 30)
        let capped = try steps(["--dry-run", "--max-drop-gb", String(format: "%.12f", cap)])
        #expect(capped.first(where: isRotated)?["status"] as? String == "planned")
        let drops = capped.filter { isMine($0) && $0["action"] as? String == "drop partition" }
        #expect(!drops.isEmpty && drops.allSatisfy { $0["status"] as? String == "skipped" && ($0["reason"] as? String)?.hasPrefix("cap reached: --max-drop-gb") == true },
                "\(drops)")

        // For real, with a cap smaller than anything: no table, no partition and no row goes; the deletes
        // in straddling partitions count against the cap too.
        let partitions = "SELECT uniqExact(table, partition_id) FROM system.parts WHERE active AND database = '\(fixture.database)'"
        let partitionsBefore = try await fixture.scalar(partitions)
        let rowsBefore = try await everything(fixture)
        let run = try steps(["--max-drop-gb", "0.000000001"])
        #expect(!run.isEmpty && run.allSatisfy { $0["status"] as? String == "skipped" }, "\(run)")
        #expect(run.contains { $0["action"] as? String == "delete rows" && ($0["reason"] as? String)?.hasPrefix("cap reached") == true })
        #expect(try await fixture.scalar("SELECT count() FROM system.tables WHERE database = 'system' AND name = '\(rotated)'") == "1")
        try await fixture.settle()
        #expect(try await fixture.scalar(partitions) == partitionsBefore)
        #expect(try await everything(fixture) == rowsBefore, "every row of every partition the cap skipped is still there")
    }

    @Test func withPostgresEveryExecutedStepIsAnAuditRow() async throws {
        let fixture = try await LangfuseFixture.make("audit")
        defer { Task { await fixture.drop() } }
        var environment = fixture.environment
        environment["DATABASE_URL"] = try TestStack.databaseURL
        let result = try cli.run(["cleanup", "--threshold", "2", "--target", "1"], environment: environment)
        #expect(result.status == 3, "\(result.stderr.suffix(2000))")
        let stepLines = result.stderr.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard line.contains("\"event\":\"cleanup-step\"") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        let runID = try #require(stepLines.first?["run"] as? String)
        let audit = try PostgresConnection(url: TestStack.databaseURL)
            .query("SELECT table_name, action, outcome FROM lfmaint_audit WHERE run_id = $1 ORDER BY id", [runID])
        #expect(audit.rows.count == stepLines.count && !audit.rows.isEmpty)
        #expect(audit.rows.map { $0[0] ?? "" } == stepLines.compactMap { $0["table"] as? String })
        #expect(audit.rows.contains { $0[0] == "\(fixture.database).traces" && $0[1] == "drop partition" && $0[2] == "done" })
    }

    @Test func aSecondRunWaitsItsTurnAndTouchesNothing() async throws {
        let fixture = try await LangfuseFixture.make("lock")
        defer { Task { await fixture.drop() } }
        let before = try await everything(fixture)
        let holder = try PostgresConnection(url: TestStack.databaseURL)
        #expect(try holder.query("SELECT pg_try_advisory_lock(hashtext('lfmaint-cleanup:langfuse'))").rows == [["t"]])
        var environment = fixture.environment
        environment["DATABASE_URL"] = try TestStack.databaseURL
        let result = try cli.run(["cleanup", "--threshold", "2", "--target", "1"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("another lfmaint cleanup is running"))
        #expect(try await everything(fixture) == before)
        _ = try holder.query("SELECT pg_advisory_unlock(hashtext('lfmaint-cleanup:langfuse'))")
    }

    @Test func withoutPostgresALiveClickHouseLockIsRespectedAndAnExpiredOneIsNot() async throws {
        let fixture = try await LangfuseFixture.make("chlock")
        defer { Task { await fixture.drop() } }
        let before = try await everything(fixture)
        let lockTable = "`\(fixture.database)`.\(CleanupLock.tableName)"
        try await fixture.client.execute("""
            CREATE TABLE \(lockTable) (name String, holder String, acquired DateTime64(6), expires DateTime) ENGINE = Memory
            """)
        try await fixture.client.execute("INSERT INTO \(lockTable) SELECT '\(CleanupLock.clickHouseKey)', 'another run', now64(6), now() + 600")
        let held = try cli.run(["cleanup", "--threshold", "2", "--target", "1"], environment: fixture.environment)
        #expect(held.status == 1)
        #expect(held.stderr.contains("another lfmaint cleanup is running (ClickHouse lock in \(fixture.database).lfmaint_cleanup_lock"), "\(held.stderr)")
        #expect(try await everything(fixture) == before)
        #expect(try await fixture.scalar("SELECT groupArray(holder) FROM \(lockTable)") == "['another run']", "the refused run left no row")

        // The other run died an hour ago: its row has expired.
        try await fixture.client.execute("ALTER TABLE \(lockTable) UPDATE expires = now() - 3600 WHERE 1 SETTINGS mutations_sync = 1")
        let free = try cli.run(["cleanup", "--threshold", "2", "--target", "1"], environment: fixture.environment)
        #expect(free.status == 3, "\(free.stdout)\(free.stderr.suffix(2000))")
        #expect(try await everything(fixture) != before)
        #expect(try await fixture.scalar("SELECT count() FROM \(lockTable)") == "0", "released, and the expired row cleared")
    }

    @Test func aReadingThatTurnsUnknownMidRunStopsItAfterThatStep() async throws {
        let fixture = try await LangfuseFixture.make("midunknown")
        defer { Task { await fixture.drop() } }
        let (planner, state, reading) = try await directRun(fixture)
        let partitionDrops = planner.plan(state).steps.filter { $0.action == .dropPartition && $0.table.database.name == fixture.database }
        #expect(partitionDrops.count >= 2, "a plan that would drop several of the fixture's partitions")
        let partitions = "SELECT count() FROM (SELECT DISTINCT table, partition_id FROM system.parts WHERE active AND database = '\(fixture.database)')"
        let before = Int(try await fixture.scalar(partitions)) ?? -1
        let executor = CleanupExecutor(client: fixture.client, policy: planner.policy, options: CleanupExecutor.Options(),
                                       audit: CleanupAudit(postgres: nil, write: { _ in }), measure: { nil })
        let run = await executor.run(planner.plan(state), before: reading)
        let ran = run.outcomes.filter { $0.status == .done || $0.status == .failed }
        #expect(ran.count == 1, "\(run.outcomes.map { "\($0.status) \($0.statementText)" })")
        #expect(run.conclusion.hasPrefix("usage became unknown after step"))
        // Only that step ran: at most one of the fixture's partitions is gone.
        #expect((Int(try await fixture.scalar(partitions)) ?? -1) >= before - 1)
    }

    @Test func aRunThatCannotRenewItsLockStopsBeforeItsNextStep() async throws {
        let fixture = try await LangfuseFixture.make("lostlock")
        defer { Task { await fixture.drop() } }
        let before = try await everything(fixture)
        let lock = try await CleanupLock.acquire(postgres: nil, clickhouse: fixture.client, database: try #require(SQLIdentifier(fixture.database)),
                                                 cluster: "lostlock-\(UInt32.random(in: 0...UInt32.max))", expirySeconds: 4)
        #expect(await lock.keepAlive())
        try await fixture.client.execute("DROP TABLE `\(fixture.database)`.\(CleanupLock.tableName) SYNC")
        #expect(await !lock.keepAlive(), "a lock that cannot be renewed stops the run at once")

        let (planner, state, reading) = try await directRun(fixture)
        let executor = CleanupExecutor(client: fixture.client, policy: planner.policy, options: CleanupExecutor.Options(),
                                       audit: CleanupAudit(postgres: nil, write: { _ in }), lock: lock, measure: { reading })
        let run = await executor.run(planner.plan(state), before: reading)
        #expect(run.outcomes.allSatisfy { $0.status == .skipped || $0.status == .notNeeded }, "\(run.outcomes.map { "\($0.status) \($0.statementText)" })")
        #expect(run.conclusion.hasPrefix("the cleanup lock could not be renewed or was lost; stopped before step"), "\(run.conclusion)")
        #expect(try await everything(fixture) == before)
    }

    @Test func theLockIsRenewedByTimeNotBeforeEveryStatement() async throws {
        let fixture = try await LangfuseFixture.make("renewal")
        defer { Task { await fixture.drop() } }
        let database = try #require(SQLIdentifier(fixture.database))
        let lock = try await CleanupLock.acquire(postgres: nil, clickhouse: fixture.client, database: database,
                                                 cluster: "renewal-\(UInt32.random(in: 0...UInt32.max))", expirySeconds: 3600)
        try await fixture.client.execute("DROP TABLE `\(fixture.database)`.\(CleanupLock.tableName) SYNC")
        #expect(await lock.renewIfDue(), "verified when taken: nothing is asked again within \(CleanupLock.renewalInterval)")
        #expect(await !lock.renewIfDue(every: .zero), "once due, the renewal asks, and finds the claim gone")
        #expect(await !lock.renewIfDue(), "and a lost lock stays lost")
        await lock.release()
    }

    @Test func belowTheThresholdNothingIsDone() async throws {
        let fixture = try await LangfuseFixture.make("calm", rows: 100)
        defer { Task { await fixture.drop() } }
        let before = try await everything(fixture)
        let result = try cli.run(["cleanup", "--threshold", "99"], environment: fixture.environment)
        #expect(result.status == 0)
        #expect(result.stdout.contains("under the threshold 99%: nothing to do"))
        #expect(try await everything(fixture) == before)
    }

    @Test func aVolumeWhoseUsageIsUnknownDeletesNothing() async throws {
        let fixture = try await LangfuseFixture.make("unknown", rows: 100)
        defer { Task { await fixture.drop() } }
        let before = try await everything(fixture)
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-unknown-\(UUID().uuidString).yaml")
        try "volumes: [{name: gone, component: clickhouse, source: statfs, path: /nonexistent/lfmaint}]\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let result = try cli.run(["cleanup", "--threshold", "2", "--target", "1", "--config", config.path], environment: fixture.environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("usage is unknown (statvfs /nonexistent/lfmaint: No such file or directory); nothing was deleted"))
        #expect(try await everything(fixture) == before)
    }

    @Test func anUnreachableServerIsExit1AndNothingElse() throws {
        var environment = [String: String]()
        environment["CLICKHOUSE_URL"] = "http://127.0.0.1:\(TestStack.closedPort())"
        let result = try cli.run(["cleanup", "--threshold", "2", "--target", "1"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").last?.hasPrefix("lfmaint: cannot connect") == true || result.stderr.contains("nothing was deleted"))
    }
}
