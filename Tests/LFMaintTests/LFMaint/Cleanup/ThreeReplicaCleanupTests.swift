import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Synchronization
import Testing

/// Three real engines acting as one shard's three replicas (`SmallCluster`), each on a small filesystem
/// of its own, found from `system.clusters` as chart v1 lists them: every replica is measured as itself,
/// the fullest decides, a partition goes only when it is old on every replica, and a replica that does
/// not answer stops every destructive step.
@Suite("Cleanup on three replicas", .serialized,
       .enabled(if: TestStack.isUp && SmallVolume.canMount, "needs testing/stack.sh up and root (tmpfs mounts, UTS namespaces)"))
struct ThreeReplicaCleanupTests {
    /// Tables of a custom shape beside Langfuse's: one partition for every row (`tuple()`), 200 days old.
    static let customTables = ["x_events", "y_events"]
    static let configYAML = """
        langfuse: {chart: v1}
        retention:
          appDays: 30
          tables:
            - {table: default.x_events, column: ts, days: 30}
            - {table: default.y_events, column: ts, days: 30}
        """

    func environment(_ cluster: SmallCluster, url: String? = nil) -> [String: String] {
        ["CLICKHOUSE_URL": url ?? cluster.url, "CLICKHOUSE_CLUSTER_ENABLED": "true", "CLICKHOUSE_CLUSTER_NAME": "default",
         "LFMAINT_CONFIG": cluster.configPath(Self.configYAML)]
    }

    /// Langfuse's v3 tables on every replica, and the custom tables with 200-day-old rows on each.
    func prepare(_ cluster: SmallCluster) async throws -> [LangfuseFixture] {
        var fixtures: [LangfuseFixture] = []
        for replica in cluster.replicas {
            let fixture = try await LangfuseFixture.onEngine(url: replica.url, rows: 0, version: .v3)
            for table in Self.customTables {
                try await fixture.client.execute("""
                    CREATE TABLE default.\(table) (ts DateTime, payload String) ENGINE = MergeTree PARTITION BY tuple() ORDER BY ts
                    """)
                try await fixture.client.execute("""
                    INSERT INTO default.\(table) SELECT now() - INTERVAL 200 DAY + number, randomPrintableASCII(100) FROM numbers(500)
                    """)
            }
            fixtures.append(fixture)
        }
        return fixtures
    }

    @Test func sampleReportsEachReplicaUnderItsOwnPVCAndPod() async throws {
        let cluster = try SmallCluster(megabytes: 128)
        // What fills each volume is that replica's own: a large table on replica 1 alone shows on its volume only.
        let second = ClickHouseClient(settings: try ConfigurationLoader.load(yaml: "", environment: ["CLICKHOUSE_URL": cluster.replicas[1].url]).clickhouse)
        try await second.execute("CREATE TABLE default.only_here (payload String) ENGINE = MergeTree ORDER BY tuple()")
        try await second.execute("INSERT INTO default.only_here SELECT randomString(1000) FROM numbers(20000)")
        let result = try CommandLineTests().run(["sample", "--output", "json"], environment: environment(cluster))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr.suffix(2000))")
        let samples = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let clickhouse = samples.filter { $0["component"] as? String == "clickhouse" }
        #expect(clickhouse.map { $0["pod"] as? String } == SmallCluster.pods)
        #expect(clickhouse.map { $0["pvc"] as? String } == SmallCluster.pods.map { "data-\($0)" })
        #expect(clickhouse.map { $0["volume"] as? String } == SmallCluster.pods.map { "clickhouse@\($0)" })
        #expect(clickhouse.allSatisfy { $0["status"] as? String == "ok" && ($0["totalBytes"] as? Double ?? 0) <= Double(128 << 20) })
        let tops = clickhouse.map { ($0["top"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
        #expect(tops.map { $0.contains("default.only_here") } == [false, true, false], "\(tops)")
    }

    /// Replica 1 alone is filled past the threshold with 120 days of traces; x_events holds a row from
    /// yesterday on replica 2 only, y_events nothing newer anywhere.
    @Test func theFullReplicaIsFreedAndAPartitionNewerOnOneReplicaStaysOnAll() async throws {
        let cluster = try SmallCluster(megabytes: 160)
        let fixtures = try await prepare(cluster)
        try await fixtures[2].client.execute("INSERT INTO default.x_events VALUES (now() - INTERVAL 1 DAY, 'recent')")
        let full = cluster.replicas[1]
        let client = fixtures[1].client
        try await client.execute("SYSTEM STOP MERGES")
        var batches = 0
        while full.usagePercent < 92, batches < 1000 {
            for statement in CleanupFullDiskTests.fill(.v3) { try await client.execute(statement) }
            batches += 1
        }
        try await client.execute("SYSTEM FLUSH LOGS")
        #expect(full.usagePercent >= 92)
        #expect(cluster.replicas[0].usagePercent < 80 && cluster.replicas[2].usagePercent < 80)
        let bound = try await fixtures[1].bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let recent = try await fixtures[1].rowsPerDay(since: bound)
        var xBefore: [String] = []
        for fixture in fixtures { xBefore.append(try await fixture.fingerprint(of: "x_events")) }

        // A dry run plans the drops on every replica and touches none of them.
        let dry = try CommandLineTests().run(["cleanup", "--dry-run", "--threshold", "90", "--floor-days", "7", "--output", "json"],
                                             environment: environment(cluster))
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr.suffix(2000))")
        let planned = (try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        #expect(planned.first?["table"] as? String == "default.y_events" && planned.first?["status"] as? String == "planned", "\(dry.stdout)")
        for fixture in fixtures { #expect(try await fixture.scalar("SELECT count() FROM default.y_events") == "500") }
        #expect(try await fixtures[0].scalar("EXISTS TABLE default.lfmaint_cleanup_lock") == "0", "a dry run takes no lock")

        let result = try CommandLineTests().run(["cleanup", "--threshold", "90", "--floor-days", "7", "--output", "json"],
                                                environment: environment(cluster))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr.suffix(3000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((report["before"] as? Double ?? 0) >= 92, "the fullest replica decides: \(result.stdout)")
        #expect((report["after"] as? Double ?? 100) < 80, "\(result.stdout)")
        #expect(full.usagePercent < 90, "replica 1 ended at \(full.usagePercent)%")
        #expect(try await fixtures[1].rowsPerDay(since: bound) == recent, "no row newer than the floor went")

        // x_events is old on replicas 0 and 1 but not on 2: it stays, whole, on every replica.
        var xAfter: [String] = []
        for fixture in fixtures { xAfter.append(try await fixture.fingerprint(of: "x_events")) }
        #expect(xAfter == xBefore)
        // y_events is old on every replica: it went from each, before any younger partition.
        for fixture in fixtures { #expect(try await fixture.scalar("SELECT count() FROM default.y_events") == "0") }
        let steps = try #require(report["steps"] as? [[String: Any]])
        let done = steps.filter { $0["status"] as? String == "done" }
        #expect(done.first?["table"] as? String == "default.y_events", "\(result.stdout)")
        let yStatements = done.first?["statement"] as? String ?? ""
        #expect(SmallCluster.pods.allSatisfy { yStatements.contains("[\($0)] ALTER TABLE `default`.`y_events` DROP PART") }, "\(yStatements)")
        // The plan never held it: its span is that of all three replicas (the run's last check, which reads every
        // replica again before the first drop, would have kept it as well).
        #expect(!steps.contains { $0["table"] as? String == "default.x_events" && $0["action"] as? String == "drop partition" }, "\(result.stdout)")
        #expect(!result.stdout.contains("ON CLUSTER"))
        // The one lock for the cluster lives on the replica the cluster lists first.
        #expect(try await fixtures[0].scalar("EXISTS TABLE default.lfmaint_cleanup_lock") == "1")
        #expect(try await fixtures[1].scalar("EXISTS TABLE default.lfmaint_cleanup_lock") == "0")
    }

    /// The planning read and the step are apart in time: a row that arrives on one replica in between keeps
    /// the partition on all three. Replica 0 is reached through a proxy that writes that row (from yesterday,
    /// into y_events, old everywhere when planned) just as the step's last check starts to read replica 0.
    @Test func aRowArrivingAfterThePlanKeepsThePartitionOnEveryReplica() async throws {
        let cluster = try SmallCluster(megabytes: 128)
        let fixtures = try await prepare(cluster)
        let wrote = Mutex(false)
        let writer = fixtures[0].client
        let proxy = try HostilePeer(.proxy(port: cluster.replicas[0].port) { request in
            // The last check's first read of a replica: its lag on the step's table (planning reads every table's).
            guard request.contains("system.replicas"), request.contains("param_table=y_events"), !wrote.withLock({ $0 }) else { return false }
            wrote.withLock { $0 = true }
            let done = DispatchSemaphore(value: 0)
            Task {
                try? await writer.execute("INSERT INTO default.y_events VALUES (now() - INTERVAL 1 DAY, 'arrived after the plan')")
                done.signal()
            }
            done.wait()
            return false
        })
        var environment = environment(cluster, url: "http://127.0.0.1:\(proxy.port)")
        let urls = ["http://127.0.0.1:\(proxy.port)"] + cluster.replicas.dropFirst().map(\.url)
        environment["LFMAINT_CLICKHOUSE_REPLICAS"] = urls.joined(separator: ",")
        var before: [String] = []
        for fixture in fixtures { before.append(try await fixture.fingerprint(of: "y_events")) }
        // Replica 1 over the threshold with a file no cleanup frees: every step allowed is tried.
        try Data(count: 64 << 20).write(to: cluster.replicas[1].path.appendingPathComponent("filler"))

        let result = try CommandLineTests().run(["cleanup", "--threshold", "40", "--target", "30", "--floor-days", "7", "--output", "json"],
                                                environment: environment)
        #expect(wrote.withLock { $0 }, "the last check never read replica 0: \(result.stdout)\(result.stderr.suffix(2000))")
        let steps = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        let y = steps.first { $0["table"] as? String == "default.y_events" }
        #expect(y?["status"] as? String == "skipped" && (y?["reason"] as? String ?? "").contains("kept on every replica"), "\(result.stdout)")
        // Nothing of it went anywhere: replicas 1 and 2 as they were, replica 0 with the row that arrived.
        #expect(try await fixtures[1].fingerprint(of: "y_events") == before[1])
        #expect(try await fixtures[2].fingerprint(of: "y_events") == before[2])
        #expect(try await fixtures[0].scalar("SELECT count() FROM default.y_events") == "501")
    }

    @Test func aStoppedReplicaIsUnknownAndNothingIsDeleted() async throws {
        let cluster = try SmallCluster(megabytes: 128)
        let fixtures = try await prepare(cluster)
        var before: [String] = []
        for fixture in fixtures.prefix(2) { before.append(try await fixture.fingerprint(of: "y_events")) }
        cluster.replicas[2].kill()

        let sample = try CommandLineTests().run(["sample", "--output", "json"], environment: environment(cluster))
        #expect(sample.status == 5, "\(sample.stdout)\(sample.stderr.suffix(2000))")
        let samples = try #require(try JSONSerialization.jsonObject(with: Data(sample.stdout.utf8)) as? [[String: Any]])
        #expect(samples.filter { $0["component"] as? String == "clickhouse" }.map { $0["status"] as? String } == ["ok", "ok", "unknown"])

        // Even at a 2% threshold, which both live replicas are over, nothing is deleted.
        let cleanup = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--floor-days", "7"],
                                                 environment: environment(cluster))
        #expect(cleanup.status == 1, "\(cleanup.stdout)\(cleanup.stderr.suffix(2000))")
        #expect(cleanup.stderr.contains("unknown") && cleanup.stderr.contains("nothing was deleted"), "\(cleanup.stderr)")
        var after: [String] = []
        for fixture in fixtures.prefix(2) { after.append(try await fixture.fingerprint(of: "y_events")) }
        #expect(after == before)
    }

    /// A replica that stops answering stays under the pod name it gave, unknown; when the server behind the
    /// URL stops too, the search fails and leaves the replicas found last time, each unknown, named as before.
    @Test func replicasThatStopAnsweringKeepTheirNamesAndAreUnknown() async throws {
        let cluster = try SmallCluster(megabytes: 64)
        let config = try ConfigurationLoader.load(yaml: "", environment: ["CLICKHOUSE_URL": cluster.url, "CLICKHOUSE_CLUSTER_ENABLED": "true"])
        let finder = ClickHouseReplicas(primary: ClickHouseClient(settings: config.clickhouse))
        let first = await finder.resolve()
        #expect(first.replicas.map(\.pod) == SmallCluster.pods && first.failure == nil)
        #expect(await first.allAnswer(within: 5))

        cluster.replicas[2].kill()
        let second = await finder.resolve()
        #expect(second.replicas.map(\.pod) == SmallCluster.pods)
        #expect(second.replicas.map { $0.error != nil } == [false, false, true])
        #expect(await !second.allAnswer(within: 5))
        #expect(await second.allAnswer(within: 5, except: [second.replicas[2].url]))

        cluster.replicas[0].kill()
        let third = await finder.resolve()
        #expect(third.replicas.map(\.pod) == SmallCluster.pods)
        #expect(third.replicas.allSatisfy { $0.error?.contains("could not be listed from system.clusters") == true }, "\(third.failure ?? "")")
    }

    /// The lock is the cluster's, not the replica's the run reached: a live claim on replica 0 refuses a
    /// run sent to replica 2.
    @Test func aRunThroughAnotherReplicaSeesTheClustersLock() async throws {
        let cluster = try SmallCluster(megabytes: 128)
        let fixtures = try await prepare(cluster)
        try await fixtures[0].client.execute(.createLockTable(QualifiedTableName("default.lfmaint_cleanup_lock", defaultDatabase: "default")!))
        try await fixtures[0].client.execute("""
            INSERT INTO default.lfmaint_cleanup_lock VALUES ('lfmaint-cleanup', 'another-run', now64(6) - 10, now() + 3600)
            """)
        // Over the 2% threshold on replica 1: 6 MB of old rows a run would drop.
        try await fixtures[1].client.execute("INSERT INTO default.y_events SELECT now() - INTERVAL 200 DAY, randomString(1000) FROM numbers(6000)")
        let before = try await fixtures[1].fingerprint(of: "y_events")
        let result = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--floor-days", "7"],
                                                environment: environment(cluster, url: cluster.replicas[2].url))
        #expect(result.status != 0, "\(result.stdout)")
        #expect(result.stderr.contains("another lfmaint cleanup is running"), "\(result.stderr)")
        #expect(try await fixtures[1].fingerprint(of: "y_events") == before)
    }
}
