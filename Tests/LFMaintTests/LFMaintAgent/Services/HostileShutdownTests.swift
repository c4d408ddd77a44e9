import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
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
        await notifier.notify(.cleanupFailed, volume: "v", text: "t", timeoutSeconds: 1)
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test(.enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
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

    @Test(.enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
    func sigtermWhileClickHouseStallsTheLockReleaseExits0AndSaysWhenTheClaimLapses() async throws {
        let fixture = try await LangfuseFixture.make("agentslowrelease")
        defer { Task { await fixture.drop() } }
        let upstream = try #require(URLComponents(string: try TestStack.chdbURL)?.port)
        // ClickHouse answers everything but the lock's release (`ALTER TABLE … DELETE WHERE holder = …`).
        let clickhouse = try HostilePeer(.proxy(port: upstream) { $0.contains("DELETE WHERE holder") })
        try await fixture.client.execute("ALTER TABLE `\(fixture.database)`.scores UPDATE value = if(throwIf(id != ''), value, value) WHERE 1")
        var environment = fixture.environment
        environment["CLICKHOUSE_URL"] = clickhouse.url
        let agent = try AgentProcess(config: """
            cleanup: {threshold: 2, target: 1, waitMutations: true}
            agent: {intervalSeconds: 30, consecutiveSamples: 1}
            """, environment: environment)
        #expect(agent.wait(upTo: 60) { agent.stderr.contains("waiting for mutations") }, "\(agent.stderr.suffix(3000))")
        let stopped = agent.terminate(limit: 10)
        #expect(stopped?.status == 0, "exit \(String(describing: stopped)): \(agent.stderr.suffix(2000))")
        #expect(!agent.stderr.contains("Fatal error"))
        #expect(agent.stderr.contains("cannot release the ClickHouse lock; it expires on its own by 20"), "\(agent.stderr.suffix(2000))")
        _ = try await fixture.client.execute("KILL MUTATION WHERE database = '\(fixture.database)' SYNC")
    }
}

/// Publishing targets and a webhook that stall or refuse: the failure is reported in time.
@Suite("Publishing to peers that stall or refuse")
struct HostilePublishTests {
    @Test func aStalledCloudWatchFailsThePublishWithinItsTimeout() async throws {
        let peer = try HostilePeer(.stall)
        var config = Configuration()
        config.publish = [.cloudwatch]
        config.cloudwatch.region = "us-east-1"
        config.cloudwatch.endpoint = peer.url
        config.cloudwatch.accessKeyID = "AKIAEXAMPLE"
        config.cloudwatch.secretAccessKey = Secret("stall-SECRET")
        let volume = VolumeSettings(name: "v", component: .clickhouse, source: .statfs, path: "/tmp")
        let run = SampleRun(samples: [StatfsSampler().sample(volume)], sourceUp: ["statfs": true], durationSeconds: 0)
        let start = Date()
        let failures = await SamplePublisher(config: config).publish(run)
        #expect(Date().timeIntervalSince(start) < SamplePublisher.timeoutSeconds + 2)
        #expect(failures.count == 1 && failures[0].hasPrefix("publishing to cloudwatch failed"), "\(failures)")
    }

    @Test func aWebhookThatRefusesIsLoggedAndTheAgentGoesOn() async throws {
        let peer = try HostilePeer(.http(500, "<html><body>boom</body></html>", contentType: "text/html"))
        let start = Date()
        await WebhookNotifier(url: Secret("\(peer.url)/hook"), cluster: "c").notify(.threshold, volume: "v", text: "t")
        #expect(Date().timeIntervalSince(start) < 2)
    }
}
