import Foundation
@testable import LFMaint
import Testing

/// Shutdown against peers that stop answering: every step keeps its own deadline, the agent exits 0.
@Suite("Shutdown with slow peers", .serialized)
struct HostileShutdownTests {
    @Test func aLockReleaseAgainstAStalledClickHouseGivesUpInTime() async throws {
        let peer = try HostilePeer(.stall)
        var settings = ClickHouseSettings()
        settings.url = peer.url
        let client = ClickHouseClient(settings: settings)
        let table = QualifiedTableName(database: SQLIdentifier("default")!, table: SQLIdentifier(CleanupLock.tableName)!)
        let lock = CleanupLock([.clickhouse(client, table: table, holder: "h", expirySeconds: 3600)])
        let start = Date()
        await lock.release()
        #expect(Date().timeIntervalSince(start) < CleanupLock.releaseSeconds + 1)
    }

    @Test func aStalledWebhookGivesUpInTime() async throws {
        let peer = try HostilePeer(.stall)
        let notifier = WebhookNotifier(url: Secret("\(peer.url)/hook"), cluster: "c")
        let start = Date()
        await notifier.notify("cleanup-failed", volume: "v", text: "t", timeoutSeconds: 1)
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test(.enabled(if: TestStack.isUp, "needs scripts/stack.sh up"))
    func sigtermMidCleanupWithAStalledWebhookExits0InTimeAndReleasesTheLock() async throws {
        let fixture = try await LangfuseFixture.make("agentslowhook")
        defer { Task { await fixture.drop() } }
        let webhook = try HostilePeer(.stall)
        try await fixture.client.execute("ALTER TABLE `\(fixture.database)`.scores UPDATE value = if(throwIf(id != ''), value, value) WHERE 1")
        let agent = try AgentProcess(config: """
            cleanup: {threshold: 2, target: 1, waitMutations: true}
            agent: {intervalSeconds: 30, consecutiveSamples: 1, webhook: {url: "\(webhook.url)/hook"}}
            """, environment: fixture.environment)
        // The cleanup-started notification waits its 10 s on the stalled receiver first.
        #expect(agent.wait(upTo: 60) { agent.stderr.contains("waiting for mutations") }, "\(agent.stderr.suffix(3000))")
        let stopped = agent.terminate(limit: 10)
        #expect(stopped?.status == 0, "exit \(String(describing: stopped)): \(agent.stderr.suffix(2000))")
        #expect(!agent.stderr.contains("Fatal error"))
        _ = try await fixture.client.execute("KILL MUTATION WHERE database = '\(fixture.database)' SYNC")
        #expect(try await fixture.scalar("SELECT count() FROM `\(fixture.database)`.\(CleanupLock.tableName)") == "0", "the lock was released")
    }
}
