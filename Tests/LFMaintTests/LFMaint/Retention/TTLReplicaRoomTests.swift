import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// `ttl apply --materialize` on several replicas: a rewrite runs on each, so each must have room for it,
/// and none runs while a replica cannot say. Real engines: the table's own, and a second replica on a
/// small, nearly full file system.
@Suite("MATERIALIZE TTL on several replicas", .serialized,
       .enabled(if: TestStack.isUp && SmallVolume.canMount, "needs testing/stack.sh up and root (tmpfs mounts)"))
struct TTLReplicaRoomTests {
    func apply(_ fixture: LangfuseFixture, replicas: [ClickHouseReplica]) async throws -> [TTLOutcome] {
        let reader = SystemCatalog(client: fixture.client)
        let planner = TTLPlanner(cluster: .none, maxQuerySize: try await reader.maxQuerySize())
        let scope = RetentionPolicy.scope(for: fixture.config, serverTables: try await reader.tableEngines(in: SQLIdentifier("default")!))
        // Each call starts from tables without a TTL, so that each plans the same changes.
        for rule in scope.rules { try? await fixture.client.execute("ALTER TABLE \(rule.table.quoted) REMOVE TTL") }
        let facts = try await reader.facts(for: scope.rules.map(\.table) + scope.untouched.map(\.table))
        let rows = planner.plan(rules: scope.rules, facts: facts, rotatedLogs: [], untouched: scope.untouched)
        return try await TTLExecutor(client: fixture.client, planner: planner, replicas: ReplicaSet(replicas: replicas, isSingle: false))
            .apply(rows, rules: scope.rules, materialize: true)
    }

    @Test func aRewriteIsRefusedUnlessEveryReplicaHasRoomAndWhileOneCannotSay() async throws {
        let roomy = try SmallVolume(megabytes: nil)
        let fixture = try await LangfuseFixture.onEngine(url: roomy.url, rows: 3000, version: .v3)
        let full = try SmallVolume(megabytes: 64)
        // Leaves the second replica less free space than any of the tables a rewrite would copy.
        let free = try #require(StatfsSampler().sample(VolumeSettings(name: "full", component: .clickhouse, source: .statfs,
                                                                      path: full.path.path)).availableBytes)
        try Data(count: Int(free) - (16 << 10)).write(to: full.path.appendingPathComponent("filler"))
        let fullSettings = try ConfigurationLoader.load(yaml: "", environment: ["CLICKHOUSE_URL": full.url]).clickhouse
        let fullClient = ClickHouseClient(settings: fullSettings)
        let first = ClickHouseReplica(url: roomy.url, client: fixture.client)

        let cramped = try await apply(fixture, replicas: [first, ClickHouseReplica(url: full.url, client: fullClient)])
        #expect(!cramped.isEmpty && cramped.allSatisfy { $0.status == .refused && ($0.message ?? "").contains("the disk has") },
                "\(cramped.map { $0.message ?? "" })")
        let unknown = try await apply(fixture, replicas: [first, ClickHouseReplica(url: full.url, client: fullClient, error: "stopped")])
        #expect(!unknown.isEmpty, "nothing was planned")
        #expect(unknown.allSatisfy { $0.status == .refused && ($0.message ?? "").contains("not every replica's free space") },
                "\(unknown.map { $0.message ?? "" })")
        #expect(try await fixture.scalar("SELECT count() FROM system.mutations WHERE command LIKE '%MATERIALIZE TTL%'") == "0",
                "a refused rewrite started none")

        let both = try await apply(fixture, replicas: [first, ClickHouseReplica(url: roomy.url, client: fixture.client)])
        #expect(!both.isEmpty && both.allSatisfy { $0.status == .applied },
                "with room on each, the rewrite runs: \(both.map { $0.message ?? "" })")
        let rewrites = try await fixture.scalar("SELECT count() FROM system.mutations WHERE command LIKE '%MATERIALIZE TTL%'")
        #expect(rewrites == String(both.count))
    }
}
