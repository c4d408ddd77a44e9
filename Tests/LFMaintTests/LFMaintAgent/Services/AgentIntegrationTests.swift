import FlyingFox
import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Synchronization
import Testing

/// `lfmaint agent` against the local stack, as a process: its endpoints, its cleanup trigger, its shutdown.
@Suite("Agent against the local stack", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct AgentIntegrationTests {
    @Test func itServesMetricsPromtoolAcceptsWithEveryVolume() throws {
        let statfsDir = FileManager.default.temporaryDirectory.path
        let agent = try AgentProcess(config: "agent: {intervalSeconds: 0.5}\n", environment: [
            "CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(),
            "CLICKHOUSE_CLUSTER_ENABLED": "false", "DATABASE_URL": try TestStack.databaseURL,
            "REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_URL"),
        ], arguments: ["--statfs", "tmp=\(statfsDir)", "--dry-run"])
        #expect(agent.wait(upTo: 10) { agent.get("/healthz")?.status == 200 })
        #expect(agent.wait(upTo: 20) { agent.get("/readyz")?.status == 200 }, "\(agent.stderr.suffix(2000))")
        // A few cycles, so the forecast has points.
        #expect(agent.wait(upTo: 20) { (AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_cycles_total") ?? 0) >= 3 })
        let metrics = try #require(agent.get("/metrics")).body
        let verdict = try CommandLineTests().runTool("/usr/bin/promtool", ["check", "metrics"], input: metrics)
        #expect(verdict.isEmpty, "promtool: \(verdict)")
        for volume in ["clickhouse", "postgres", "redis", "tmp"] {
            #expect(metrics.contains("lfmaint_volume_sample_ok{volume=\"\(volume)\""), "\(volume) missing")
        }
        #expect(AgentProcess.sum(metrics, "lfmaint_volume_sample_ok") == 4)
        // Where the bytes went, by kind: the first cycle explains every volume (none is over its threshold).
        for (volume, kind) in [("clickhouse", "not_clickhouse_data"), ("postgres", "database"), ("redis", "redis_overhead")] {
            #expect(AgentProcess.sum(metrics, "lfmaint_volume_bytes", ["volume=\"\(volume)\"", "kind=\"\(kind)\""]) != nil, "\(volume) \(kind)")
        }
        #expect(AgentProcess.sum(metrics, "lfmaint_volume_threshold_ratio", ["volume=\"clickhouse\""]) == 0.9)
        #expect(metrics.contains("lfmaint_ttl_check_ok{cluster=\"langfuse\"} 1"))
        #expect(metrics.contains("# TYPE lfmaint_cycles_total counter"))
        #expect(AgentProcess.sum(metrics, "lfmaint_cleanup_runs_total", ["volume=\"clickhouse\"", "outcome=\"failed\""]) == 0, "counters start at 0")
        let stopped = agent.terminate(limit: 10)
        #expect(stopped?.status == 0)
    }

    /// The second crossing is held by the hysteresis (the run ended still above the target) inside a
    /// one-hour cooldown; the trigger's unit tests take each rule apart.
    @Test func aThresholdCrossingRunsExactlyOneCleanupThenNoneDuringTheCooldown() async throws {
        let fixture = try await LangfuseFixture.make("agenttrigger")
        defer { Task { await fixture.drop() } }
        let agent = try AgentProcess(config: """
            cleanup: {threshold: 2, target: 1}
            agent: {intervalSeconds: 0.3, consecutiveSamples: 2, cooldownSeconds: 3600, ttlIntervalSeconds: 3600}
            """, environment: fixture.environment)
        // The run goes through every tier of the v4 fixture (events_* included) before it counts.
        #expect(agent.wait(upTo: 120) { (AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_cleanup_runs_total") ?? 0) > 0 },
                "\(agent.stderr.suffix(3000))")
        let runsAt = AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_cycles_total") ?? 0
        // Ten more samples over the threshold, all inside the cooldown.
        #expect(agent.wait(upTo: 30) { (AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_cycles_total") ?? 0) >= runsAt + 10 })
        let metrics = try #require(agent.get("/metrics")).body
        #expect(AgentProcess.sum(metrics, "lfmaint_cleanup_runs_total") == 1, "\(metrics)")
        #expect(AgentProcess.sum(metrics, "lfmaint_cleanup_runs_total", ["outcome=\"still_above\""]) == 1, "the disk stays over 2%")
        #expect(AgentProcess.sum(metrics, "lfmaint_volume_actions_total", ["action=\"cleanup\""]) == 1)
        #expect((AgentProcess.sum(metrics, "lfmaint_volume_actions_total", ["action=\"hold\""]) ?? 0) >= 5)
        let steps = agent.stderr.split(separator: "\n").filter { $0.contains("\"event\":\"cleanup-step\"") }.compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        let runIDs = Set(steps.compactMap { $0["run"] as? String })
        #expect(runIDs.count == 1, "one cleanup run in the audit lines: \(runIDs)")
        // The counter is what the run's steps measured (never below zero).
        let measured = steps.compactMap { ($0["freedBytes"] as? NSNumber)?.doubleValue }.reduce(0, +)
        #expect(AgentProcess.sum(metrics, "lfmaint_cleanup_freed_bytes_total") == max(0, measured))
        #expect(try await fixture.scalar("SELECT count() FROM `\(fixture.database)`.traces WHERE timestamp < now() - INTERVAL 8 DAY") == "0")
        #expect(agent.terminate(limit: 10)?.status == 0)
    }

    @Test func sigtermMidCleanupKeepsTheDataReleasesTheLockAndExits0Within10Seconds() async throws {
        let fixture = try await LangfuseFixture.make("agentstop")
        defer { Task { await fixture.drop() } }
        // A mutation that fails on every row never finishes: with waitMutations, the cleanup waits on it.
        try await fixture.client.execute("ALTER TABLE `\(fixture.database)`.scores UPDATE value = if(throwIf(id != ''), value, value) WHERE 1")
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        let cluster = "stop-\(UInt32.random(in: 0...UInt32.max))"
        let pushgateway = try TestStack.value("LFMAINT_TEST_PUSHGATEWAY_URL")
        let agent = try AgentProcess(config: """
            clusterName: \(cluster)
            cleanup: {threshold: 2, target: 1, waitMutations: true}
            agent: {intervalSeconds: 30, consecutiveSamples: 1}
            publish: [pushgateway]
            pushgateway: {url: "\(pushgateway)"}
            """, environment: fixture.environment)
        #expect(agent.wait(upTo: 60) { agent.stderr.contains("waiting for mutations") }, "\(agent.stderr.suffix(3000))")
        let stopped = agent.terminate(limit: 10)
        #expect(stopped?.status == 0, "exit \(String(describing: stopped)): \(agent.stderr.suffix(2000))")
        #expect((stopped?.seconds ?? 99) < 10)
        #expect(agent.stderr.contains("abandoned: lfmaint stopped while it ran"), "\(agent.stderr.suffix(2000))")
        // The metrics were flushed on the way out: the Pushgateway counts the abandoned run.
        let pushed = try await HTTPClient().send(HTTPClientRequest(url: "\(pushgateway)/metrics")).bodyText
        let failed = pushed.split(separator: "\n").first { $0.hasPrefix("lfmaint_cleanup_runs_total{") && $0.contains("cluster=\"\(cluster)\"")
            && $0.contains("outcome=\"failed\"") && $0.contains("volume=\"clickhouse\"") }
        #expect(failed?.hasSuffix(" 1") == true, "\(failed.map(String.init) ?? "no series")")
        _ = try await fixture.client.execute("KILL MUTATION WHERE database = '\(fixture.database)' SYNC")
        #expect(try await fixture.rowsPerDay(since: bound) == before)
        #expect(try await fixture.scalar("SELECT count() FROM `\(fixture.database)`.\(CleanupLock.tableName)") == "0", "the lock was released")
    }

    @Test func onceCleansUpNotifiesTheWebhookAndNeverLogsItsURL() async throws {
        let fixture = try await LangfuseFixture.make("agentonce")
        defer { Task { await fixture.drop() } }
        let bodies = Mutex<[Data]>([])
        let port = TestStack.closedPort()
        let receiver = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: UInt16(port)), logger: .disabled)
        await receiver.appendRoute("POST /hooks/T000/B000/secret-token") { request in
            let body = try await request.bodyData
            bodies.withLock { $0.append(body) }
            return HTTPResponse(statusCode: .ok)
        }
        let serving = Task { try await receiver.run() }
        defer { serving.cancel() }
        try await receiver.waitUntilListening()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-once-\(UUID().uuidString).yaml")
        try """
            cleanup: {threshold: 2, target: 1}
            agent: {webhook: {url: "http://127.0.0.1:\(port)/hooks/T000/B000/secret-token"}}
            """.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let result = try CommandLineTests().run(["agent", "--once", "--output", "json", "--config", config.path, "--log-level", "debug"],
                                               environment: fixture.environment)
        #expect(result.status == 3, "still above 2% after every step: \(result.stderr.suffix(2000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(report.keys) == ["samples", "cleanups", "growth", "ttl", "lifecycle", "failures"])
        #expect((report["growth"] as? [Any])?.isEmpty == true, "growth is off")
        #expect(report["lifecycle"] is NSNull, "no event bucket configured")
        let cleanups = try #require(report["cleanups"] as? [[String: Any]])
        #expect(cleanups.count == 1 && cleanups.first?["outcome"] as? String == "still_above")
        let received = bodies.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let events = received.compactMap { $0["event"] as? String }
        #expect(events == ["cleanup-started", "cleanup-finished"], "\(received)")
        #expect(received.allSatisfy { ($0["text"] as? String)?.hasPrefix("lfmaint [langfuse] clickhouse: ") == true })
        #expect(!result.stderr.contains("secret-token") && !result.stdout.contains("secret-token"))
    }

    @Test func anUnreachableWebhookIsLoggedWithoutItsURL() async throws {
        let fixture = try await LangfuseFixture.make("agenthook", rows: 100)
        defer { Task { await fixture.drop() } }
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-hook-\(UUID().uuidString).yaml")
        try """
            cleanup: {threshold: 2, target: 1}
            agent: {webhook: {url: "http://127.0.0.1:\(TestStack.closedPort())/hooks/T000/B000/secret-token"}}
            """.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let result = try CommandLineTests().run(["agent", "--once", "--config", config.path], environment: fixture.environment)
        #expect(result.stderr.contains("webhook unreachable"), "\(result.stderr.suffix(2000))")
        #expect(result.stderr.contains("the webhook at 127.0.0.1"))
        #expect(!result.stderr.contains("secret-token") && !result.stdout.contains("secret-token"))
    }

    @Test func aDryRunAgentPlansButChangesNothing() async throws {
        let fixture = try await LangfuseFixture.make("agentdry", rows: 1000)
        defer { Task { await fixture.drop() } }
        let counts = "SELECT groupArray((table, rows)) FROM (SELECT table, sum(rows) AS rows FROM system.parts WHERE active AND database = '\(fixture.database)' GROUP BY table ORDER BY table)"
        let ttls = "SELECT countIf(engine_full LIKE '% TTL %') FROM system.tables WHERE database = '\(fixture.database)'"
        let before = try await fixture.scalar(counts)
        let ttlsBefore = try await fixture.scalar(ttls)
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-dry-\(UUID().uuidString).yaml")
        try "cleanup: {threshold: 2, target: 1}\nagent: {autoApplyTTL: true}\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let result = try CommandLineTests().run(["agent", "--once", "--dry-run", "--output", "json", "--config", config.path],
                                               environment: fixture.environment)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr.suffix(2000))")
        let cleanups = try #require(report["cleanups"] as? [[String: Any]])
        #expect(cleanups.count == 1 && cleanups.first?["outcome"] as? String == "dry_run", "\(cleanups)")
        let steps = ((cleanups.first?["run"] as? [String: Any])?["steps"] as? [[String: Any]]) ?? []
        #expect(steps.contains { $0["status"] as? String == "planned" } && steps.allSatisfy { $0["status"] as? String != "done" })
        #expect(!result.stderr.contains("\"event\":\"cleanup-step\""), "nothing ran, so nothing was audited")
        try await fixture.settle()
        #expect(try await fixture.scalar(counts) == before)
        #expect(try await fixture.scalar(ttls) == ttlsBefore, "autoApplyTTL applies nothing in a dry run")
        #expect(ttlsBefore == "1", "only observations_batch_staging has a TTL: Langfuse's own")
    }

    @Test func onceAppliesTTLDriftOnlyWhenAskedTo() async throws {
        let fixture = try await LangfuseFixture.make("agentttl", rows: 100)
        defer { Task { await fixture.drop() } }
        func fixtureDrift(_ stdout: String) throws -> [String] {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
            let tables = try #require((report["ttl"] as? [String: Any])?["tables"] as? [[String: Any]])
            return tables.filter { ($0["table"] as? String)?.hasPrefix(fixture.database + ".") == true && $0["action"] as? String == "modify" }
                .compactMap { $0["table"] as? String }
        }
        let observed = try CommandLineTests().run(["agent", "--once", "--output", "json"], environment: fixture.environment)
        let expiring = fixture.version.expiringTables.map { "\(fixture.database).\($0.table)" }
        #expect(try Set(fixtureDrift(observed.stdout)) == Set(expiring), "Langfuse's tables have no TTL yet")
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-ttl-\(UUID().uuidString).yaml")
        try "agent: {autoApplyTTL: true}\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let applied = try CommandLineTests().run(["agent", "--once", "--output", "json", "--config", config.path], environment: fixture.environment)
        #expect(try fixtureDrift(applied.stdout).isEmpty, "\(applied.stderr.suffix(2000))")
        #expect(try await fixture.scalar("SELECT countIf(engine_full LIKE '% TTL %') FROM system.tables WHERE database = '\(fixture.database)'")
            == String(expiring.count + 1), "each of them, beside observations_batch_staging's own")
    }
}
