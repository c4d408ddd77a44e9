import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing
import Yams

/// System-log TTLs across a restart of the real engine: an ALTER's TTL is gone after it, the file
/// `ttl server-config` prints keeps it, and `ttl plan` tells the two apart.
@Suite("System-log TTLs across a restart", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct SystemLogRestartTests {
    struct Log: Decodable {
        let name: String
        let engine_full: String
    }

    /// A config folder of its own (the system logs' config, and a config.d beside it) and an engine on it.
    func engine() throws -> (volume: SmallVolume, configDirectory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("config.d"), withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("config.xml")
        try FileManager.default.copyItem(atPath: SmallVolume.systemLogsConfig(frontScript: try TestStack.value("LFMAINT_TEST_CHDB_FRONT")),
                                         toPath: config.path)
        return (try SmallVolume(megabytes: nil, configFile: config.path), directory)
    }

    func logs(_ client: ClickHouseClient) async throws -> [String: EngineClauses] {
        try await client.execute("SYSTEM FLUSH LOGS")
        let rows = try await client.read("SELECT name, engine_full FROM system.tables "
                                             + "WHERE database = 'system' AND has({names:Array(String)}, name)",
                                         parameters: ["names": ClickHouseLiteral.stringArray(SystemLogTables.names)], as: Log.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.name, EngineClauses(engineFull: $0.engine_full)) })
    }

    func restart(_ volume: SmallVolume) throws {
        volume.kill()
        try volume.start()
    }

    @Test func theServerConfigKeepsEachLogsTTLAcrossARestartWhereAnAlterDoesNot() async throws {
        let (volume, directory) = try engine()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["CLICKHOUSE_URL": volume.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"]
        let config = try ConfigurationLoader.load(yaml: "", environment: environment)
        let client = ClickHouseClient(settings: config.clickhouse)
        let cli = CommandLineTests()
        let kept = try await logs(client).keys.sorted()
        #expect(kept.count >= 10, "the engine keeps the system logs its config names: \(kept)")

        let apply = try cli.run(["ttl", "apply"], environment: environment)
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("set by ALTER only: lost at the next restart"))
        let altered = try cli.run(["ttl", "plan", "--output", "json"], environment: environment)
        #expect(altered.status == 0, "nothing to change, only a warning: \(altered.stderr)")
        // Every log the engine keeps is warned about, but metric_log: its definition is too long for any ALTER.
        let planned = try rows(altered.stdout)
        let warned = planned.filter { ($0["warning"] as? String) == "set by ALTER only: lost at the next restart" }
        #expect(Set(warned.compactMap { $0["table"] as? String }) == Set(kept.filter { $0 != "metric_log" }.map { "system.\($0)" }))
        #expect((planned.first { $0["table"] as? String == "system.metric_log" }?["action"] as? String)?.contains("server config") == true)

        // The ALTER's TTL does not survive a restart.
        try restart(volume)
        let afterPlainRestart = try await logs(client)
        #expect(afterPlainRestart.values.allSatisfy { $0.ttl == nil }, "\(afterPlainRestart.filter { $0.value.ttl != nil }.keys)")
        let drift = try cli.run(["ttl", "plan"], environment: environment)
        #expect(drift.status == 4, "the TTLs are gone: \(drift.stdout)")

        // The file server-config prints, in the server's config.d: every log carries its TTL after a restart.
        let file = try cli.run(["ttl", "server-config"], environment: environment)
        #expect(file.status == 0, "\(file.stderr)")
        try file.stdout.write(to: directory.appendingPathComponent("config.d/lfmaint-system-log-ttl.xml"),
                              atomically: true, encoding: .utf8)
        try restart(volume)
        let lasting = try await logs(client)
        #expect(lasting.keys.sorted() == kept, "the file turns no log on")
        for (name, clauses) in lasting {
            let column = SystemLogTables.dateColumns.first { $0.table == name }!.column
            #expect(clauses.ttl == "\(column) + toIntervalDay(10)", "\(name)")
            #expect(clauses.settings["ttl_only_drop_parts"] == "1", "\(name)")
        }
        let plan = try cli.run(["ttl", "plan", "--output", "json"], environment: environment)
        #expect(plan.status == 0, "no drift: \(plan.stdout)")
        #expect(try rows(plan.stdout).allSatisfy { $0["warning"] is NSNull }, "\(plan.stdout)")

        // Chart v2's form, with other days: the operator writes `clickhouse.cluster.settings` into config.d as
        // YAML, which this engine cannot read (chdb is built without yaml-cpp); ClickHouse reads a map of
        // scalars as the XML of the same shape, and so the engine gets that.
        let days = 12
        let values = try cli.run(["ttl", "server-config", "--format", "chart-v2-values",
                                  "--config", try yaml("retention: {systemLogDays: \(days)}")],
                                 environment: environment)
        #expect(values.status == 0, "\(values.stderr)")
        try FileManager.default.removeItem(at: directory.appendingPathComponent("config.d/lfmaint-system-log-ttl.xml"))
        try Self.operatorExtraConfig(fromChartValues: values.stdout)
            .write(to: directory.appendingPathComponent("config.d/99-extra-config.xml"), atomically: true, encoding: .utf8)
        try restart(volume)
        for (name, clauses) in try await logs(client) {
            #expect(clauses.ttl?.hasSuffix("toIntervalDay(\(days))") == true, "\(name): \(clauses.ttl ?? "no TTL")")
        }
        let planV2 = try cli.run(["ttl", "plan", "--config", try yaml("retention: {systemLogDays: \(days)}")], environment: environment)
        #expect(planV2.status == 0, "\(planV2.stdout)")
        #expect(!planV2.stdout.contains("Warning"), "\(planV2.stdout)")
        // The config gives 12 days; a plan for 10 would be undone at the next restart, and says so.
        let planTen = try cli.run(["ttl", "plan"], environment: environment)
        #expect(planTen.status == 4)
        #expect(planTen.stdout.contains("the server config gives 12 days: the next restart brings them back"), "\(planTen.stdout)")
    }

    /// What chart v2's ClickHouse operator writes to config.d from `clickhouse.cluster.settings`, as XML.
    static func operatorExtraConfig(fromChartValues values: String) throws -> String {
        let document = try #require(try Yams.load(yaml: values) as? [String: Any])
        let settings = try #require(
            ((document["clickhouse"] as? [String: Any])?["cluster"] as? [String: Any])?["settings"] as? [String: Any])
        func xml(_ map: [String: Any]) -> String {
            map.sorted { $0.key < $1.key }.map { key, value in
                let inner = (value as? [String: Any]).map(xml)
                    ?? "\(value)".replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                return "<\(key)>\(inner)</\(key)>"
            }.joined()
        }
        return "<clickhouse>\(xml(settings))</clickhouse>\n"
    }

    func rows(_ json: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            .filter { ($0["table"] as? String)?.hasPrefix("system.") == true && ($0["desired"] is String) }
    }

    func yaml(_ text: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-restart-\(UUID().uuidString).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}
