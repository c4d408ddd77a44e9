import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// `lfmaint explain` on three real engines acting as one shard's replicas (`SmallCluster`): each
/// replica's volume is explained from that replica, and what lies on one replica's disk shows on its own.
@Suite("explain on three replicas", .serialized,
       .enabled(if: TestStack.isUp && SmallVolume.canMount, "needs testing/stack.sh up and root (tmpfs mounts, UTS namespaces)"))
struct ExplainReplicaTests {
    @Test func eachReplicasVolumeIsExplainedFromThatReplica() async throws {
        let cluster = try SmallCluster(megabytes: 128)
        let second = ClickHouseClient(settings: try ConfigurationLoader.load(yaml: "", environment: ["CLICKHOUSE_URL": cluster.replicas[1].url]).clickhouse)
        try await second.execute("CREATE TABLE default.only_here (payload String) ENGINE = MergeTree ORDER BY tuple()")
        try await second.execute("INSERT INTO default.only_here SELECT randomPrintableASCII(1000) FROM numbers(10000)")
        let backup = cluster.replicas[2].path.appendingPathComponent("data/shadow/1")
        try FileManager.default.createDirectory(at: backup, withIntermediateDirectories: true)
        try Data(repeating: 7, count: 20 << 20).write(to: backup.appendingPathComponent("data.bin"))

        let result = try CommandLineTests().run(["explain", "--output", "json", "--volume", "clickhouse"], environment: [
            "CLICKHOUSE_URL": cluster.url, "CLICKHOUSE_CLUSTER_ENABLED": "true", "CLICKHOUSE_CLUSTER_NAME": "default",
            "LFMAINT_CONFIG": cluster.configPath("langfuse: {chart: v1}\n")])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let accounts = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(accounts.map { $0["volume"] as? String } == SmallCluster.pods.map { "clickhouse@\($0)" })
        var rests: [Int64] = []
        var onlyHere: [Bool] = []
        for account in accounts {
            let lines = account["lines"] as? [[String: Any]] ?? []
            #expect(lines.reduce(Int64(0)) { $0 + (($1["bytes"] as? Int64) ?? 0) } == account["usedBytes"] as? Int64)
            rests.append(lines.last?["bytes"] as? Int64 ?? 0)
            onlyHere.append(lines.contains { $0["name"] as? String == "default.only_here" })
        }
        #expect(onlyHere == [false, true, false])
        #expect(abs(rests[2] - (20 << 20)) <= (20 << 20) / 100, "the backup on replica 2 shows as \(rests[2]) bytes")
        #expect(abs(rests[0]) < 1 << 20 && abs(rests[1]) < 1 << 20, "replicas without a backup show \(rests[0]) and \(rests[1]) bytes that are not ClickHouse's")
    }
}
