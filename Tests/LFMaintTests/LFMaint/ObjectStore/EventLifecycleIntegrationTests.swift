import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Synchronization
import Testing

/// `s3 plan` and `s3 apply` against moto's S3 (a real S3 API on loopback) and a store that lies.
@Suite("Event bucket lifecycle against moto's S3", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct EventLifecycleIntegrationTests {
    static let seed = """
        <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Rule><ID>scratch</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>
        <Rule><ID>tagged-media</ID><Filter><And><Prefix>media/</Prefix><Tag><Key>class</Key><Value>draft</Value></Tag></And></Filter>
        <Status>Disabled</Status><NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays></NoncurrentVersionExpiration></Rule>
        </LifecycleConfiguration>
        """

    /// A bucket of its own on moto, with the rules `seed` gives it, and the Langfuse variables that reach it.
    func bucket(seed: String? = EventLifecycleIntegrationTests.seed) async throws
        -> (environment: [String: String], client: S3LifecycleClient) {
        let name = "lfmaint-\(UUID().uuidString.lowercased().prefix(13))"
        let create = try await HTTPClient().send(HTTPClientRequest(method: .put, url: "\(try TestStack.motoURL)/\(name)"))
        #expect(create.status == 200, "moto creates the bucket: \(create.bodyText)")
        let environment = [
            "LANGFUSE_S3_EVENT_UPLOAD_BUCKET": name, "LANGFUSE_S3_EVENT_UPLOAD_PREFIX": "events/",
            "LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT": try TestStack.motoURL, "LANGFUSE_S3_EVENT_UPLOAD_REGION": "auto",
            "LANGFUSE_S3_EVENT_UPLOAD_FORCE_PATH_STYLE": "true", "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID": "lfmaint",
            "LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY": "s3-secret-never-printed",
            "LANGFUSE_S3_MEDIA_UPLOAD_BUCKET": name, "LANGFUSE_S3_MEDIA_UPLOAD_PREFIX": "media/",
        ]
        let client = try S3LifecycleClient(config: try ConfigurationLoader.load(yaml: "", environment: environment))
        if let seed { try await client.put(try LifecycleConfiguration.parse(seed)) }
        return (environment, client)
    }

    func config(_ yaml: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-s3-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func applyPutsTheEventsRuleKeepsEveryRuleTheBucketHadAndASecondPlanChangesNothing() async throws {
        let (environment, client) = try await bucket()
        let before = try await client.read()
        let cli = CommandLineTests()
        let days = try config("retention: {appDays: 21}")

        let plan = try cli.run(["s3", "plan", "--config", days], environment: environment)
        #expect(plan.status == 4, "a rule to put: \(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("scratch, tagged-media"))
        let apply = try cli.run(["s3", "apply", "--config", days], environment: environment)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(!(apply.stdout + apply.stderr).contains("s3-secret-never-printed"))

        let after = try await client.read()
        let ours = try #require(after.rules.first { $0.id == EventLifecyclePlanner.ruleID })
        #expect(ours.prefix == "events/" && ours.expirationDays == 21 && ours.enabled, "the events prefix only, the days from config")
        #expect(after.rules.filter { $0.id != EventLifecyclePlanner.ruleID } == before.rules, "the rules it had, as they were")
        #expect(after.rules.first { $0.id == "tagged-media" }?.xml.contains("<NoncurrentDays>3</NoncurrentDays>") == true)

        let again = try cli.run(["s3", "plan", "--config", days, "--output", "json"], environment: environment)
        #expect(again.status == 0, "\(again.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(json["action"] as? String == "none")
        #expect(json["kept"] as? [String] == ["scratch", "tagged-media"])
        let second = try cli.run(["s3", "apply", "--config", days], environment: environment)
        #expect(second.status == 0 && second.stdout.contains("Nothing to change"), "\(second.stdout)")

        // Other days: the one rule is mended in place.
        #expect(try cli.run(["s3", "apply", "--config", try config("retention: {appDays: 45}")], environment: environment).status == 0)
        let mended = try await client.read()
        #expect(mended.rules.map(\.id) == after.rules.map(\.id))
        #expect(mended.rules.first { $0.id == EventLifecyclePlanner.ruleID }?.expirationDays == 45)
    }

    @Test func aRuleThatWouldMatchMediaIsRefusedAndTheBucketKeepsItsRules() async throws {
        let (environment, client) = try await bucket()
        let before = try await client.read()
        let cli = CommandLineTests()
        // Langfuse's chart as installed: events and media unprefixed in one bucket.
        let unprefixed = environment.merging(["LANGFUSE_S3_EVENT_UPLOAD_PREFIX": "", "LANGFUSE_S3_MEDIA_UPLOAD_PREFIX": ""]) { $1 }
        let plan = try cli.run(["s3", "plan"], environment: unprefixed)
        #expect(plan.status == 1)
        #expect(plan.stdout.contains("would also expire media"), "\(plan.stdout)")
        let apply = try cli.run(["s3", "apply"], environment: unprefixed)
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("refused"), "\(apply.stderr)")
        // Media under the events prefix, and media nowhere said.
        let nested = environment.merging(["LANGFUSE_S3_MEDIA_UPLOAD_PREFIX": "events/media/"]) { $1 }
        #expect(try cli.run(["s3", "apply"], environment: nested).status == 1)
        var unknown = environment
        unknown["LANGFUSE_S3_MEDIA_UPLOAD_BUCKET"] = nil
        let unsaid = try cli.run(["s3", "apply"], environment: unknown)
        #expect(unsaid.status == 1 && unsaid.stderr.contains("where Langfuse keeps media is not known"), "\(unsaid.stderr)")
        #expect(try await client.read() == before, "nothing was put")
        // No event bucket at all is bad input.
        var none = environment
        none["LANGFUSE_S3_EVENT_UPLOAD_BUCKET"] = nil
        #expect(try cli.run(["s3", "plan"], environment: none).status == 2)
    }

    /// Langfuse's chart with only the events prefix set: media unprefixed beside it, as `<project ID>/<file>`.
    /// The rule is put unless a project is named events, which lfmaint reads from Langfuse's database.
    @Test func eventsBesideUnprefixedMediaArePutUnlessAProjectIsNamedEvents() async throws {
        let (bucketEnvironment, client) = try await bucket(seed: nil)
        // Langfuse's projects table in the stack's database (no other test has one).
        let schema = "public"
        let langfuse = try PostgresConnection(url: try TestStack.databaseURL)
        try langfuse.query("DROP TABLE IF EXISTS public.projects")
        defer { _ = try? langfuse.query("DROP TABLE public.projects") }
        let url = try #require(URLComponents(string: try TestStack.databaseURL))
        // Prisma's projects table, as Langfuse's migrations make it.
        try langfuse.query("""
            CREATE TABLE \(schema).projects (id TEXT PRIMARY KEY, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
                                   name TEXT NOT NULL, updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
                                   org_id TEXT NOT NULL, deleted_at TIMESTAMP(3))
            """)
        try langfuse.query("INSERT INTO \(schema).projects (id, name, org_id) VALUES ('clx9k2abc0001qwerty12345', 'prod', 'o'), "
            + "('eventsource', 'x', 'o')")
        let environment = bucketEnvironment.merging(["LANGFUSE_S3_MEDIA_UPLOAD_PREFIX": "",
                                                     "DATABASE_URL": try #require(url.string)]) { $1 }
        let cli = CommandLineTests()
        var unread = environment
        unread["DATABASE_URL"] = nil
        let blind = try cli.run(["s3", "plan"], environment: unread)
        #expect(blind.status == 1 && blind.stdout.contains("set DATABASE_URL"), "\(blind.stdout)")

        #expect(try cli.run(["s3", "plan"], environment: environment).status == 4, "no project is named events")
        try langfuse.query("INSERT INTO \(schema).projects (id, name, org_id, deleted_at) VALUES ('events', 'chosen', 'o', now())")
        let refused = try cli.run(["s3", "apply"], environment: environment)
        #expect(refused.status == 1 && refused.stderr.contains("project(s) events"), "a deleted project's media stays: \(refused.stderr)")
        #expect(try await client.read().rules.isEmpty)
        try langfuse.query("DELETE FROM \(schema).projects WHERE id = 'events'")
        #expect(try cli.run(["s3", "apply"], environment: environment).status == 0)
        #expect(try await client.read().rules.first?.prefix == "events/")
    }

    @Test func aBucketWithoutRulesGetsOnlyLfmaintsRule() async throws {
        let (environment, client) = try await bucket(seed: nil)
        #expect(try await client.read().rules.isEmpty)
        #expect(try CommandLineTests().run(["s3", "apply"], environment: environment).status == 0)
        #expect(try await client.read().rules.map(\.id) == [EventLifecyclePlanner.ruleID])
    }

    /// The agent's retention loop checks the rule as it checks TTLs: drift reported, put only when asked to.
    @Test func theAgentReportsTheMissingRuleAndPutsItOnlyWhenAskedTo() async throws {
        let (bucketEnvironment, client) = try await bucket()
        let before = try await client.read()
        let environment = bucketEnvironment.merging([
            "CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(),
            "CLICKHOUSE_CLUSTER_ENABLED": "false",
        ]) { $1 }
        func lifecycle(_ stdout: String) throws -> [String: Any] {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
            return try #require(report["lifecycle"] as? [String: Any])
        }
        let cli = CommandLineTests()
        let observed = try cli.run(["agent", "--once", "--output", "json"], environment: environment)
        #expect(try lifecycle(observed.stdout)["action"] as? String == "put", "\(observed.stderr.suffix(2000))")
        #expect(try lifecycle(observed.stdout)["applied"] as? Bool == false)
        #expect(try await client.read() == before, "observed, not put")

        let agent = try AgentProcess(config: "agent: {intervalSeconds: 5}\n", environment: environment, arguments: ["--dry-run"])
        #expect(agent.wait(upTo: 20) { AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_s3_lifecycle_drift") == 1 },
                "\(agent.stderr.suffix(2000))")
        let metrics = try #require(agent.get("/metrics")).body
        #expect(try cli.runTool("/usr/bin/promtool", ["check", "metrics"], input: metrics).isEmpty)
        #expect(AgentProcess.sum(metrics, "lfmaint_s3_lifecycle_check_ok") == 1)

        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-s3-agent-\(UUID().uuidString).yaml")
        try "agent: {autoApplyLifecycle: true}\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let applied = try cli.run(["agent", "--once", "--output", "json", "--config", config.path], environment: environment)
        #expect(try lifecycle(applied.stdout)["applied"] as? Bool == true, "\(applied.stderr.suffix(2000))")
        #expect(try await client.read().rules.contains { $0.id == EventLifecyclePlanner.ruleID && $0.prefix == "events/" })
    }

    /// A store whose lifecycle document lfmaint cannot account for gets no PUT: sending back less than
    /// it had would delete the rules it could not read.
    @Test(arguments: [
        "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status></Rule><Owner>x</Owner></LifecycleConfiguration>",
        "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status>",
        String(repeating: "<", count: 3 << 20),
    ])
    func aDocumentItCannotReadWholeGetsNoPut(document: String) async throws {
        let methods = Mutex<[String]>([])
        let store = try HostilePeer(.respond { request in
            methods.withLock { $0.append(String(request.prefix { $0 != " " })) }
            return HostilePeer.Behaviour.httpAnswer(200, document, contentType: "application/xml")
        })
        let environment = ["LANGFUSE_S3_EVENT_UPLOAD_BUCKET": "langfuse", "LANGFUSE_S3_EVENT_UPLOAD_PREFIX": "events/",
                           "LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT": "http://127.0.0.1:\(store.port)",
                           "LANGFUSE_S3_EVENT_UPLOAD_FORCE_PATH_STYLE": "true",
                           "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID": "k", "LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY": "s",
                           "LANGFUSE_S3_MEDIA_UPLOAD_BUCKET": "langfuse", "LANGFUSE_S3_MEDIA_UPLOAD_PREFIX": "media/"]
        let apply = try CommandLineTests().run(["s3", "apply"], environment: environment)
        #expect(apply.status == 1, "\(apply.stderr)")
        #expect(methods.withLock { $0 }.allSatisfy { $0 == "GET" }, "\(methods.withLock { $0 })")
    }
}
