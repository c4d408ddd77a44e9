import Foundation
import Testing

/// Every command at `--log-level trace`, in text and JSON, with every secret set and every server
/// failing — one that echoes each request back in its error page included: no secret is printed.
@Suite("Secrets never printed", .serialized)
struct SecretsNeverPrintedTests {
    static let secrets = ["chpw-SECRET-1", "pgpw-SECRET-2", "rdpw-SECRET-3", "awssk-SECRET-4", "awsst-SECRET-5", "pgwpw-SECRET-6",
                          "whk-SECRET-7", "cttoken-SECRET-8"]

    /// Answers every HTTP request with a 500 page that quotes the request, headers and body.
    static let echo = HostilePeer.Behaviour.respond { request in
        HostilePeer.Behaviour.httpAnswer(500, "<html><body><pre>you sent: \(request)</pre></body></html>", contentType: "text/html")
    }

    /// Each secret as written and as an Authorization header carries it (`user:password` in base64).
    func leaks(in run: CommandLineTests.Run, _ secrets: [String]) -> [String] {
        let forms = secrets + secrets.map { Data("default:\($0)".utf8).base64EncodedString() }
        return forms.filter { run.stdout.contains($0) || run.stderr.contains($0) }
    }

    @Test func everyCommandAtTraceLevelKeepsEverySecret() throws {
        let peer = try HostilePeer(Self.echo)
        let closed = TestStack.closedPort()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-secrets-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: config) }
        try """
            clickhouse: {timeoutSeconds: 2}
            publish: [cloudwatch, pushgateway]
            pushgateway: {url: "http://pg:pgwpw-SECRET-6@127.0.0.1:\(peer.port)/"}
            agent: {webhook: {url: "http://127.0.0.1:\(peer.port)/hook/whk-SECRET-7"}}
            cleanup: {threshold: 1}
            """.write(to: config, atomically: true, encoding: .utf8)
        let environment = [
            "CLICKHOUSE_URL": peer.url, "CLICKHOUSE_PASSWORD": "chpw-SECRET-1", "CLICKHOUSE_CLUSTER_ENABLED": "false",
            "DATABASE_URL": "postgresql://lf:pgpw-SECRET-2@127.0.0.1:\(closed)/langfuse",
            "REDIS_CONNECTION_STRING": "redis://:rdpw-SECRET-3@127.0.0.1:\(peer.port)",
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "awssk-SECRET-4",
            "AWS_SESSION_TOKEN": "awsst-SECRET-5", "AWS_ENDPOINT_URL_CLOUDWATCH": peer.url,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "cttoken-SECRET-8",
        ]
        let commands = [["sample"], ["ttl", "plan"], ["ttl", "apply"], ["cleanup", "--dry-run"], ["cleanup"], ["agent", "--once"]]
        let cli = CommandLineTests()
        for command in commands {
            for format in ["text", "json"] {
                let start = Date()
                let run = try cli.run(command + ["--config", config.path, "--log-level", "trace", "--log-format", format], environment: environment)
                #expect(leaks(in: run, Self.secrets).isEmpty, "\(command) \(format): \(leaks(in: run, Self.secrets)) in \(run.stderr.suffix(3000))")
                #expect(run.status != 0 && ![132, 133, 134, 139].contains(run.status), "\(command) \(format): exit \(run.status)")
                #expect(Date().timeIntervalSince(start) < 30, "\(command) \(format)")
                if format == "json" {
                    let lines = run.stderr.split(separator: "\n")
                    let notJSON = lines.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) == nil }
                    #expect(notJSON.isEmpty || notJSON.allSatisfy { $0.hasPrefix("lfmaint: ") || $0.hasPrefix("config error: ") },
                            "\(command): not JSON: \(notJSON.prefix(3))")
                }
            }
        }
    }

    @Test(.enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
    func theRunningAgentAtTraceLevelDumpsNoConfiguration() throws {
        let agent = try AgentProcess(config: """
            agent: {intervalSeconds: 0.3}
            pushgateway: {url: "http://u:pgwpw-SECRET-6@127.0.0.1:\(TestStack.closedPort())/"}
            """, environment: [
            "CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(),
            "CLICKHOUSE_CLUSTER_ENABLED": "false", "REDIS_CONNECTION_STRING": "redis://:rdpw-SECRET-3@127.0.0.1:\(TestStack.closedPort())",
        ], arguments: ["--dry-run", "--log-level", "trace"])
        let password = try TestStack.clickhousePassword.reveal()
        #expect(agent.wait(upTo: 20) { (AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_cycles_total") ?? 0) >= 5 })
        #expect(agent.terminate(limit: 10)?.status == 0)
        let stderr = agent.stderr
        #expect(stderr.contains("Starting service"), "trace lines were written")
        for secret in ["pgwpw-SECRET-6", "rdpw-SECRET-3", password] { #expect(!stderr.contains(secret), "\(secret) in the agent's log") }
    }

    @Test(arguments: [
        ["DATABASE_URL": "postgresql:/u:SECRET-pg-malformed@h/db"],
        ["CLICKHOUSE_URL": "http:/u:SECRET-ch-malformed@h"],
        ["REDIS_CONNECTION_STRING": "redis:/:SECRET-rd-malformed@h"],
        ["DATABASE_URL": "not a url:SECRET-odd-malformed@"],
        ["CLICKHOUSE_URL": "http://u:%FF%FESECRET-escape@127.0.0.1:1/"],
        ["DATABASE_HOST": "127.0.0.1:1", "DATABASE_USERNAME": "lf", "DATABASE_PASSWORD": "100%SECRET-percent", "DATABASE_NAME": "db"],
    ])
    func aMalformedValueIsRefusedWithoutItsPassword(_ environment: [String: String]) throws {
        let run = try CommandLineTests().run(["sample", "--log-level", "trace"], environment: environment)
        #expect(!run.stdout.contains("SECRET") && !run.stderr.contains("SECRET"), "\(run.stdout) \(run.stderr)")
        #expect(run.status == 2 || run.status == 5, "exit \(run.status): \(run.stderr)")
    }
}
