import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// Growth as an operator runs it: `cleanup` grows a ClickHouse volume nothing more can be deleted from;
/// with `grow` off (the default) no command writes to the Kubernetes API at all.
@Suite("Volume growth from the command line", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct GrowthCommandLineTests {
    static let claim = "data-langfuse-clickhouse-shard0-0"
    /// An empty database: every cleanup step finds nothing to delete.
    static let database = "lfmaint_grow_empty"

    func config(_ kube: FakeKube, grow: String, clickhouseThreshold: Int? = nil) async throws -> String {
        var settings = ClickHouseSettings()
        settings.url = try TestStack.chdbURL
        settings.password = try TestStack.clickhousePassword
        _ = try await ClickHouseClient(settings: settings).execute("CREATE DATABASE IF NOT EXISTS \(Self.database)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-grow-\(UUID().uuidString).yaml")
        let threshold = clickhouseThreshold.map { ", threshold: \($0)" } ?? ""
        try """
            clickhouse: {database: \(Self.database), cluster: {enabled: false}}
            kubelet: {apiServer: "http://127.0.0.1:\(kube.port)", tokenFile: \(kube.tokenFile.path)}
            volumes:
              - {name: clickhouse, component: clickhouse, source: kubelet, pvc: \(Self.claim)\(threshold)}
              - {name: postgres, component: postgres, source: kubelet, pvc: postgres-data-langfuse-postgresql-0}
            agent: {intervalSeconds: 0.3, consecutiveSamples: 1}
            \(grow)
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    var environment: [String: String] {
        get throws { ["CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal()] }
    }

    func fake() throws -> FakeKube {
        try FakeKube(["--nodes", "1", "--pvcs-per-node", "1", "--claim", Self.claim, "--claim", "postgres-data-langfuse-postgresql-0",
                      "--fill", "\(Self.claim)=95", "--fill", "postgres-data-langfuse-postgresql-0=93", "--resize-seconds", "0.4"])
    }

    @Test func cleanupGrowsWhatItCouldNotFreeAndTheAgentTheRestWithOnePatchEach() async throws {
        let kube = try fake()
        let config = try await config(kube, grow: "grow: {enabled: true, maxGiB: 100, resizePollSeconds: 0.1}")
        let cli = CommandLineTests()
        let dry = try cli.run(["cleanup", "--config", config, "--dry-run"], environment: try environment)
        #expect(dry.status == 0 && dry.stdout.contains("grow 50Gi → 60Gi"), "\(dry.stdout)\(dry.stderr)")
        #expect(try kube.writes().writes.isEmpty, "a dry run writes nothing")

        let run = try cli.run(["cleanup", "--config", config, "--output", "json"], environment: try environment)
        #expect(run.status == 0, "grown: \(run.stdout) \(run.stderr.suffix(2000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let growth = try #require(report["growth"] as? [[String: Any]])
        #expect(growth.compactMap { $0["outcome"] as? String } == ["resized"], "\(growth)")
        #expect(growth.first?["toBytes"] as? Int64 == Int64(60) << 30)
        #expect(try patched(kube) == [Self.claim], "cleanup grows ClickHouse only")

        let once = try cli.run(["agent", "--once", "--config", config, "--output", "json"], environment: try environment)
        let rows = try #require(
            (try JSONSerialization.jsonObject(with: Data(once.stdout.utf8)) as? [String: Any])?["growth"] as? [[String: Any]])
        #expect(rows.map { "\($0["volume"] ?? "") \($0["outcome"] ?? "")" } == ["postgres resized"],
                "\(once.stdout) \(once.stderr.suffix(2000))")
        #expect(try patched(kube) == [Self.claim, "postgres-data-langfuse-postgresql-0"])

        for command in [["cleanup"], ["agent", "--once"]] {
            #expect(try cli.run(command + ["--config", config], environment: try environment).status == 0)
        }
        #expect(try patched(kube).count == 2, "no second patch")
    }

    /// A one-off `cleanup --threshold 40` cleans at 40 %, but growth keeps the configured 90 %.
    @Test func aOneOffThresholdDoesNotGrowAVolumeUnderTheConfiguredOne() async throws {
        let kube = try FakeKube(["--nodes", "1", "--pvcs-per-node", "1", "--claim", Self.claim, "--fill", "\(Self.claim)=60"])
        let config = try await config(kube, grow: "grow: {enabled: true, maxGiB: 100}")
        let run = try CommandLineTests().run(["cleanup", "--threshold", "40", "--config", config], environment: try environment)
        #expect(run.status == 3, "still above 40 %: \(run.stdout) \(run.stderr.suffix(1000))")
        #expect(try kube.writes().writes.isEmpty)
    }

    /// Nor a volume's own threshold: at 93 % a volume set to 95 % is not grown, though the default is 90 %.
    @Test func aOneOffThresholdDoesNotGrowAVolumeUnderItsOwnThreshold() async throws {
        let kube = try FakeKube(["--nodes", "1", "--pvcs-per-node", "1", "--claim", Self.claim, "--fill", "\(Self.claim)=93"])
        let config = try await config(kube, grow: "grow: {enabled: true, maxGiB: 100}", clickhouseThreshold: 95)
        let run = try CommandLineTests().run(["cleanup", "--threshold", "40", "--config", config], environment: try environment)
        #expect(run.status == 3, "still above 40 %: \(run.stdout) \(run.stderr.suffix(1000))")
        #expect(try kube.writes().writes.isEmpty)
    }

    func patched(_ kube: FakeKube) throws -> [String] {
        try kube.writes().writes.filter { $0["method"] as? String == "PATCH" }
            .compactMap { ($0["path"] as? String)?.split(separator: "/").last.map(String.init) }
    }

    @Test func withGrowthOffNoCommandWritesToTheKubernetesAPI() async throws {
        let kube = try fake()
        let cli = CommandLineTests()
        for grow in ["", "grow: {enabled: false, maxGiB: 100}"] {
            let config = try await config(kube, grow: grow)
            for command in [["sample"], ["explain"], ["cleanup", "--dry-run"], ["cleanup"], ["agent", "--once"],
                            ["agent", "--once", "--dry-run"]] {
                let run = try cli.run(command + ["--config", config], environment: try environment)
                // 0, or 3 / 5 for the volumes left over their threshold or unexplained: never a config refused (2).
                #expect([0, 3, 5].contains(run.status), "\(command): exit \(run.status) \(run.stderr.suffix(1000))")
            }
            let agent = try AgentProcess(config: try String(contentsOfFile: config, encoding: .utf8), environment: try environment)
            #expect(agent.wait(upTo: 20) { (AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_cycles_total") ?? 0) >= 4 })
            _ = agent.terminate(limit: 10)
        }
        let writes = try kube.writes().writes
        #expect(writes.isEmpty, "\(writes)")
        // Growth on, but dry runs: still nothing written.
        let config = try await config(kube, grow: "grow: {enabled: true, maxGiB: 100}")
        for command in [["cleanup", "--dry-run"], ["agent", "--once", "--dry-run"]] {
            let run = try cli.run(command + ["--config", config], environment: try environment)
            #expect(run.stdout.contains("grow 50Gi → 60Gi"), "\(command): \(run.stdout)")
        }
        #expect(try kube.writes().writes.isEmpty)
    }
}

