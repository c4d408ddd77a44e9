import Foundation
import Testing

@Suite("lfmaint sample command line", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct SampleCommandLineTests {
    let cli = CommandLineTests()

    var environment: [String: String] {
        get throws {
            ["CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(),
             "DATABASE_URL": try TestStack.databaseURL, "REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_URL")]
        }
    }

    @Test func everySourceAnswersAndJSONHasTheDocumentedKeys() throws {
        let result = try cli.run(["sample", "--output", "json", "--statfs", "tmp=/tmp"], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let volumes = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(volumes.map { $0["volume"] as? String } == ["clickhouse", "postgres", "redis", "tmp"])
        #expect(Set(volumes[0].keys) == ["volume", "component", "source", "pvc", "pod", "namespace", "status", "error", "usedBytes", "totalBytes",
                                         "availableBytes", "usagePercent", "usedGB", "totalGB", "inodesUsagePercent", "top"])
        #expect(volumes.allSatisfy { $0["status"] as? String == "ok" })
        #expect(volumes[0]["inodesUsagePercent"] is NSNull && volumes[3]["inodesUsagePercent"] is Double)
    }

    @Test func postgresIsReachedThroughLangfusesSeparateDatabaseVariables() throws {
        var environment = try environment
        let url = try #require(URLComponents(string: try TestStack.databaseURL))
        environment["DATABASE_URL"] = nil
        environment["DATABASE_HOST"] = "\(try #require(url.host)):\(try #require(url.port))"
        environment["DATABASE_USERNAME"] = url.user
        environment["DATABASE_PASSWORD"] = url.password
        environment["DATABASE_NAME"] = String(url.path.dropFirst())
        let result = try cli.run(["sample", "--output", "json"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let volumes = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let postgres = try #require(volumes.first { $0["volume"] as? String == "postgres" })
        #expect(postgres["status"] as? String == "ok" && (postgres["usedBytes"] as? Int ?? 0) > 0, "\(postgres)")
    }

    @Test func anUnknownSourceIsExit5AndPublishedAsNothing() throws {
        var environment = try environment
        environment["REDIS_CONNECTION_STRING"] = "redis://:x@127.0.0.1:\(TestStack.closedPort())"
        let pushgateway = try TestStack.value("LFMAINT_TEST_PUSHGATEWAY_URL")
        environment["LFMAINT_CLUSTER"] = "unused"
        let result = try cli.run(["sample", "--output", "prom", "--push-gateway", pushgateway], environment: environment)
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stdout.contains("lfmaint_volume_sample_ok{volume=\"redis\",component=\"redis\""))
        #expect(result.stdout.contains("lfmaint_source_up{source=\"redis\",cluster=\"langfuse\"} 0"))
        #expect(!result.stdout.contains("lfmaint_volume_used_bytes{volume=\"redis\""))
    }

    @Test func aFailedPublishIsExit1WithTheReason() throws {
        let result = try cli.run(["sample", "--publish", "cloudwatch"], environment: environment.merging([
            "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:\(TestStack.closedPort())",
            "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "topsecret",
        ]) { $1 })
        #expect(result.status == 1)
        #expect(result.stderr.contains("lfmaint: publishing to cloudwatch failed: cannot connect to"))
        #expect(!result.stderr.contains("topsecret"))
    }
}
