import Foundation
import Testing

/// `lfmaint ttl plan|apply` as a CronJob or an operator runs them: exit codes and JSON.
@Suite("lfmaint ttl command line", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct TTLCommandLineTests {
    let cli = CommandLineTests()

    @Test(arguments: LangfuseFixture.Version.allCases)
    func planExits4OnDriftApplyFixesItAndPlanThenExits0(version: LangfuseFixture.Version) async throws {
        let fixture = try await LangfuseFixture.make("cli\(version)", rows: 100, version: version)
        defer { Task { await fixture.drop() } }
        let datasetRuns = try await fixture.fingerprint(of: "dataset_run_items_rmt")

        let plan = try cli.run(["ttl", "plan", "--output", "json"], environment: fixture.environment)
        #expect(plan.status == 4, "\(plan.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [[String: Any]])
        let traces = try #require(rows.first { $0["table"] as? String == "\(fixture.database).traces" })
        #expect(Set(traces.keys) == ["table", "current", "desired", "action", "reason", "warning", "statement"])
        #expect(traces["warning"] is NSNull, "an app table's TTL lasts")
        #expect(traces["action"] as? String == "modify")
        #expect((traces["statement"] as? String)?.contains("MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY") == true)
        func row(_ table: String) -> [String: Any]? { rows.first { $0["table"] as? String == "\(fixture.database).\(table)" } }
        for (table, column, _) in version.expiringTables {
            #expect(row(table)?["desired"] as? String == "toDateTime(`\(column)`) + INTERVAL 30 DAY", "\(table)")
        }
        #expect((row("dataset_run_items_rmt")?["action"] as? String)?.hasPrefix("leave: user-curated") == true)
        #expect((row("events_full") == nil) == (version == .v3))

        let apply = try cli.run(["ttl", "apply"], environment: fixture.environment)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stderr.contains("\"event\":\"statement\""))
        #expect(!apply.stderr.contains(fixture.config.clickhouse.password.reveal()))

        let after = try cli.run(["ttl", "plan"], environment: fixture.environment)
        #expect(after.status == 0, "\(after.stdout)")
        #expect(after.stdout.contains("Nothing to change."))
        #expect(try await fixture.fingerprint(of: "dataset_run_items_rmt") == datasetRuns)
    }

    @Test func anUnreachableServerIsExit1WithAClearLine() throws {
        let result = try cli.run(["ttl", "plan"], environment: ["CLICKHOUSE_URL": "http://127.0.0.1:\(TestStack.closedPort())", "CLICKHOUSE_PASSWORD": "hunter2"])
        #expect(result.status == 1)
        let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.hasPrefix("lfmaint: cannot connect to http://127.0.0.1:"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
    }

    /// Langfuse's default (CLICKHOUSE_CLUSTER_ENABLED unset is true) against a single server.
    @Test(arguments: [["ttl", "plan"], ["ttl", "apply"], ["cleanup", "--threshold", "1"]])
    func clusterModeOnASingleServerIsExit2InOneLineBeforeAnyStatement(arguments: [String]) async throws {
        let fixture = try await LangfuseFixture.make("clusteroff", rows: 10)
        defer { Task { await fixture.drop() } }
        var environment = fixture.environment
        environment.removeValue(forKey: "CLICKHOUSE_CLUSTER_ENABLED")
        let before = try await fixture.scalar("SELECT groupArray((name, engine_full)) FROM system.tables WHERE database = '\(fixture.database)'")
        let start = ContinuousClock.now
        let result = try cli.run(arguments, environment: environment)
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { !$0.contains("\"level\"") && !$0.hasPrefix("20") }
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("CLICKHOUSE_CLUSTER_ENABLED") && result.stderr.contains("cluster \"default\" is not in system.clusters"))
        #expect(!result.stderr.contains("\"event\":\"statement\""))
        #expect(try await fixture.scalar("SELECT groupArray((name, engine_full)) FROM system.tables WHERE database = '\(fixture.database)'") == before)
    }
}
