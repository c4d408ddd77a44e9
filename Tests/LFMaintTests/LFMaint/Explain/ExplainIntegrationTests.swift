import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// `lfmaint explain` against the real ClickHouse engine on a volume of its own, and the stack's Postgres
/// and Redis: every share is checked against the files on disk, not against what ClickHouse says.
@Suite("explain against the real engine and the stack", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct ExplainIntegrationTests {
    static let bigFileBytes = 100 << 20

    @Test(.enabled(if: SmallVolume.canMount, "needs root: mount"))
    func everyShareOfTheVolumeMatchesItsFilesAndTheLinesAddUpToTheUsedBytes() async throws {
        let volume = try SmallVolume(megabytes: 512)
        let fixture = try await LangfuseFixture.onEngine(url: volume.url, rows: 3000, version: .v4)
        let client = fixture.client
        // Rotated logs, as an upgrade leaves them: a copy of query_log with megabytes of queries, and one of
        // metric_log: one wide part of 8,600 files (two would merge, and a merge of them opens more files than
        // this machine allows), 2,100 of them empty, whose columns.txt files bytes_on_disk leaves out are 470 KB.
        try await client.execute("SYSTEM FLUSH LOGS")
        try await client.execute("CREATE TABLE system.query_log_0 AS system.query_log")
        try await client.execute("""
            INSERT INTO system.query_log_0 (event_date, event_time, query) SELECT today(), now(), randomPrintableASCII(1000) FROM numbers(20000)
            """)
        try await client.execute("CREATE TABLE system.metric_log_0 AS system.metric_log")
        try await client.execute("INSERT INTO system.metric_log_0 (event_date, event_time) SELECT today(), now() FROM numbers(2000)")
        // Outdated parts: more parts of traces, merged into one a partition by OPTIMIZE.
        for _ in 0..<3 { try await client.execute("INSERT INTO default.traces SELECT * FROM default.traces") }
        try await client.execute("OPTIMIZE TABLE default.traces FINAL")
        // A detached part, and a mutation that fails on every part, for ever.
        let scoresPart = try await client.readText("SELECT name FROM system.parts WHERE database = 'default' AND table = 'scores' AND active ORDER BY bytes_on_disk DESC LIMIT 1")
        try await client.execute("ALTER TABLE default.scores DETACH PART '\(scoresPart)'")
        try await client.execute("ALTER TABLE default.observations UPDATE name = toString(throwIf(length(id) >= 0)) WHERE 1")
        let failing = try await poll(seconds: 30) {
            try await client.readText("SELECT count() FROM system.mutations WHERE table = 'observations' AND NOT is_done AND latest_fail_reason != ''") == "1"
        }
        #expect(failing, "the mutation never failed")
        // A backup ClickHouse does not count, in the data path's file system.
        let backup = volume.path.appendingPathComponent("data/shadow/1")
        try FileManager.default.createDirectory(at: backup, withIntermediateDirectories: true)
        try Data(repeating: 0xAB, count: Self.bigFileBytes).write(to: backup.appendingPathComponent("data.bin"))

        // What a merge is writing is an estimate: let the merges of the logs' last flush end first.
        #expect(try await poll(seconds: 60) { try await client.readText("SELECT count() FROM system.merges") == "0" })
        let result = try CommandLineTests().run(["explain", "--output", "json", "--volume", "clickhouse"], environment: fixture.environment)
        #expect(result.status == 0, "\(result.stderr)\(result.stdout.prefix(3000))")
        let account = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]).first
        let lines = try #require(account?["lines"] as? [[String: Any]])
        let used = try #require(account?["usedBytes"] as? Int64)
        #expect(lines.reduce(Int64(0)) { $0 + (($1["bytes"] as? Int64) ?? 0) } == used, "the lines do not add up to the used bytes")
        func line(_ kind: String, _ name: String) -> Int64? {
            lines.first { $0["kind"] as? String == kind && ($0["name"] as? String ?? "").contains(name) }?["bytes"] as? Int64
        }

        let rest = try #require(line("not_clickhouse_data", "not ClickHouse data"))
        #expect(abs(rest - Int64(Self.bigFileBytes)) <= Int64(Self.bigFileBytes) / 100, "not ClickHouse data: \(rest) for a \(Self.bigFileBytes)-byte file")

        for log in ["query_log_0", "metric_log_0"] {
            let path = try await client.readText("SELECT data_paths[1] FROM system.tables WHERE database = 'system' AND name = '\(log)'")
            try expectClose(line("rotated_logs", "system.\(log)"), fileBytes(under: path, skipping: "detached"), log)
        }

        let outdatedPaths = try await client.readText("SELECT path FROM system.parts WHERE database = 'default' AND table = 'traces' AND NOT active")
        #expect(!outdatedPaths.isEmpty, "OPTIMIZE left no outdated parts")
        try expectClose(line("outdated_parts", "default.traces"), outdatedPaths.split(separator: "\n").reduce(0) { $0 + fileBytes(under: String($1)) },
                        "outdated parts")

        let detachedPath = try await client.readText("SELECT path FROM system.detached_parts WHERE database = 'default' AND table = 'scores'")
        try expectClose(line("detached_parts", "default.scores"), fileBytes(under: detachedPath), "detached part")

        let notes = try #require(account?["notes"] as? [[String: Any]])
        let mutation = notes.first { $0["kind"] as? String == "mutation" }
        let text = mutation?["text"] as? String ?? ""
        #expect(text.contains("failing, last at") && text.contains("AND table = 'observations' AND mutation_id = '"), "\(text)")
        #expect(mutation?["warning"] as? Bool == false, "a mutation failing for seconds is not yet stuck")
        let mutatedPaths = try await client.readText("SELECT path FROM system.parts WHERE database = 'default' AND table = 'observations' AND active")
        try expectClose(mutation?["bytes"] as? Int64, mutatedPaths.split(separator: "\n").reduce(0) { $0 + fileBytes(under: String($1)) }, "mutation")
        try await client.execute("KILL MUTATION WHERE table = 'observations'")
    }

    @Test func theLargestRelationAndKeyGroupAreNamedAndAnEvictingRedisIsFlagged() async throws {
        let url = try TestStack.databaseURL
        let postgres = try PostgresConnection(url: url)
        let table = "lfmaint_explain_\(UInt32.random(in: 0...UInt32.max))"
        _ = try postgres.query("CREATE TABLE \(table) WITH (autovacuum_enabled = false) AS SELECT g AS id, repeat('x', 500) AS body FROM generate_series(1, 40000) g")
        defer { _ = try? postgres.query("DROP TABLE \(table)") }
        _ = try postgres.query("DELETE FROM \(table) WHERE id % 2 = 0")
        _ = try postgres.query("SELECT pg_stat_force_next_flush()")
        _ = try postgres.query("SELECT 1")
        let counted = try await poll(seconds: 15) {
            try postgres.query("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1", [table]).rows.first?[0] == "20000"
        }
        #expect(counted, "Postgres never counted the dead tuples")

        let redisURL = try TestStack.value("LFMAINT_TEST_REDIS_URL")
        let redis = try RedisConnection(settings: try ConfigurationLoader.load(yaml: "", environment: ["REDIS_CONNECTION_STRING": redisURL]).redis!)
        let queue = "bull:lfmaint-explain-\(UInt32.random(in: 0...UInt32.max))"
        // BullMQ's layout: a hash per job, the queue's meta hash, its wait list and failed set.
        var keys = ["\(queue):meta", "\(queue):wait", "\(queue):failed"]
        _ = try redis.pipeline((1...300).map { ["HSET", "\(queue):\($0)", "name", "ingestion", "data", String(repeating: "d", count: 2000)] })
        keys += (1...300).map { "\(queue):\($0)" }
        _ = try redis.pipeline([["HSET", "\(queue):meta", "opts.maxLenEvents", "10000"], ["RPUSH", "\(queue):wait"] + (1...50).map(String.init),
                                ["ZADD", "\(queue):failed", "1", "7", "2", "8"]])
        _ = try redis.pipeline((1...100).map { ["SET", "lfmaint-explain-cache:\($0)", "v"] })
        keys += (1...100).map { "lfmaint-explain-cache:\($0)" }
        defer { _ = try? redis.pipeline(keys.map { ["DEL", $0] }) }
        let environment = ["DATABASE_URL": url, "REDIS_CONNECTION_STRING": redisURL, "CLICKHOUSE_URL": try TestStack.chdbURL,
                           "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(), "CLICKHOUSE_CLUSTER_ENABLED": "false"]

        let calm = try explain(["--volume", "postgres", "--volume", "redis"], environment)
        let relation = try #require(calm["postgres"]?.notes.first { $0["kind"] as? String == "relation" })
        #expect(relation["subject"] as? String == "langfuse.public.\(table)", "the largest relation is \(relation["subject"] ?? "none")")
        let freeable = try #require(relation["freeable"] as? Int64)
        let size = try #require(relation["bytes"] as? Int64)
        #expect(freeable > size / 3 && freeable < size * 2 / 3, "half the rows are dead, yet VACUUM would give back \(freeable) of \(size)")
        let groups = try #require(calm["redis"]?.lines.filter { $0["kind"] as? String == "key_group" })
        #expect(groups.first?["name"] as? String == "keys \(queue):…", "the largest key group is \(groups.first?["name"] ?? "none")")
        let queueNote = calm["redis"]?.notes.first { $0["subject"] as? String == queue }
        #expect((queueNote?["text"] as? String ?? "").hasPrefix("50 waiting"), "\(queueNote ?? [:])")
        #expect(queueNote?["warning"] as? Bool == true, "2 failed jobs are not flagged")
        #expect(calm["redis"]?.notes.contains { $0["kind"] as? String == "eviction_policy" } == false)

        _ = try redis.command(["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"])
        defer { _ = try? redis.command(["CONFIG", "SET", "maxmemory-policy", "noeviction"]) }
        let evicting = try explain(["--volume", "redis"], environment)
        let flag = evicting["redis"]?.notes.first { $0["kind"] as? String == "eviction_policy" }
        #expect(flag?["warning"] as? Bool == true && (flag?["text"] as? String ?? "").contains("allkeys-lru"))
        #expect((evicting["redis"]?.nextStep ?? "").contains("noeviction"))
    }

    @Test func anUnknownVolumeIsRefusedWithTheNamesThereAre() throws {
        let result = try CommandLineTests().run(["explain", "--volume", "nope"], environment: [
            "CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_CLUSTER_ENABLED": "false", "DATABASE_URL": try TestStack.databaseURL])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no volume named nope") && result.stderr.contains("clickhouse, postgres"), "\(result.stderr)")
        for odd in ["", "@", "@pod"] {
            let refused = try CommandLineTests().run(["explain", "--volume", odd], environment: ["CLICKHOUSE_URL": try TestStack.chdbURL])
            #expect(refused.status == 2 && refused.stderr.contains("no volume named"), "--volume \"\(odd)\": \(refused.stderr)")
        }
    }

    @Test func anAgentThatDoesNotAnswerLeavesTheForecastOutAndANonHTTPOneIsRefused() throws {
        let environment = ["CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_CLUSTER_ENABLED": "false", "DATABASE_URL": try TestStack.databaseURL]
        let silent = try CommandLineTests().run(["explain", "--volume", "postgres", "--agent", "http://127.0.0.1:\(TestStack.closedPort())"],
                                                environment: environment)
        #expect(silent.status == 0, "\(silent.stderr)")
        #expect(silent.stderr.contains("no forecasts from the agent"), "\(silent.stderr)")
        #expect(silent.stdout.contains("forecast: not filling, or not watched long enough"))
        let ftp = try CommandLineTests().run(["explain", "--agent", "ftp://agent"], environment: environment)
        #expect(ftp.status == 2 && ftp.stderr.contains("--agent"), "\(ftp.stderr)")
    }

    struct Explained {
        var lines: [[String: Any]]
        var notes: [[String: Any]]
        var nextStep: String
    }

    private func explain(_ arguments: [String], _ environment: [String: String]) throws -> [String: Explained] {
        let result = try CommandLineTests().run(["explain", "--output", "json"] + arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let accounts = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        var byVolume: [String: Explained] = [:]
        for account in accounts {
            let lines = account["lines"] as? [[String: Any]] ?? []
            #expect(lines.reduce(Int64(0)) { $0 + (($1["bytes"] as? Int64) ?? 0) } == account["usedBytes"] as? Int64, "\(account["volume"] ?? "")")
            byVolume[account["volume"] as? String ?? ""] = Explained(lines: lines, notes: account["notes"] as? [[String: Any]] ?? [],
                                                                     nextStep: account["nextStep"] as? String ?? "")
        }
        return byVolume
    }

    /// The bytes of the regular files under `path`, as the file system has them.
    private func fileBytes(under path: String, skipping folder: String? = nil) -> Int64 {
        guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else { return 0 }
        var total: Int64 = 0
        for case let file as URL in walker {
            if let folder, file.pathComponents.contains(folder) { continue }
            let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values?.isRegularFile == true { total += Int64(values?.fileSize ?? 0) }
        }
        return total
    }

    /// Within 1 % or 64 KiB, whichever is larger.
    private func expectClose(_ shown: Int64?, _ measured: Int64, _ what: String) throws {
        let shown = try #require(shown, "\(what) is not shown")
        #expect(measured > 0, "\(what): nothing on disk to compare with")
        #expect(abs(shown - measured) <= max(measured / 100, 64 << 10), "\(what): shown \(shown), on disk \(measured)")
    }

    private func poll(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return try await condition()
    }
}
