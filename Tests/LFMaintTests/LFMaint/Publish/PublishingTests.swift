import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

func sample(_ name: String, used: Int64, total: Int64, available: Int64, pvc: String? = nil) -> VolumeSample {
    var sample = VolumeSample(volume: VolumeSettings(name: name, component: .clickhouse, source: .statfs, pvc: pvc ?? "data-\(name)",
                                                     pod: "\(name)-0", namespace: "langfuse"),
                              usedBytes: used, totalBytes: total, availableBytes: available)
    sample.top = [UsageItem(name: "default.traces", bytes: 123, rows: 4, parts: 2, kind: .table)]
    return sample
}

@Suite("Publishing: CloudWatch bodies and the exposition format")
struct PublishingUnitTests {
    @Test func usageIsCapacityMinusAvailableOverCapacity() {
        let value = sample("a", used: 40, total: 100, available: 50)
        #expect(value.usagePercent == 50)
        #expect(VolumeSample.unknown(value.volume, "x").usagePercent == nil)
    }

    @Test func unknownVolumesPublishNothing() {
        var config = Configuration()
        config.cloudwatch.region = "eu-west-1"
        let publisher = CloudWatchPublisher(config: config)
        let known = sample("a", used: 1 << 30, total: 4 << 30, available: 3 << 30)
        let data = publisher.data([known, .unknown(known.volume, "down")])
        #expect(data.map(\.name) == ["UsagePercent", "UsedGB", "TotalGB"])
        #expect(data.map(\.value) == [25, 1, 4])
        #expect(data[0].dimensions.map(\.0) == ["ClusterName", "Namespace", "PVCName", "PodName"])
    }

    @Test func requestsHoldAtMostAThousandDataNumberedFromOne() {
        var config = Configuration()
        config.cloudwatch.region = "eu-west-1"
        let publisher = CloudWatchPublisher(config: config)
        let samples = (0..<900).map { sample("v\($0)", used: 1, total: 2, available: 1) }
        let bodies = publisher.bodies(publisher.data(samples), timestamp: Date(timeIntervalSince1970: 0))
        #expect(bodies.count == 3)
        for body in bodies {
            #expect(body.hasPrefix("Action=PutMetricData&Version=2010-08-01&Namespace=LangfusePVC&MetricData.member.1.MetricName="))
            #expect(!body.contains("MetricData.member.1001."))
            #expect(body.utf8.count <= CloudWatchPublisher.maxBodyBytes)
        }
        #expect(bodies[0].contains("MetricData.member.1000.") && bodies[2].contains("MetricData.member.700.") && !bodies[2].contains("member.701."))
    }

    @Test func labelValuesAreEscaped() {
        let weird = sample("a\"b\\c\nd", used: 1, total: 2, available: 1)
        let text = PrometheusExposition.render(SampleRun(samples: [weird], sourceUp: ["statfs": true], durationSeconds: 0.5), cluster: "c")
        #expect(text.contains("volume=\"a\\\"b\\\\c\\nd\""))
        #expect(text.contains("lfmaint_source_up{source=\"statfs\",cluster=\"c\"} 1\n"))
    }
}

@Suite("Publishing ↔ moto, promtool, Pushgateway", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct PublishingIntegrationTests {
    func run() -> SampleRun {
        SampleRun(samples: [sample("clickhouse", used: 3 << 30, total: 10 << 30, available: 6 << 30, pvc: "data-langfuse-clickhouse-shard0-0"),
                            .unknown(VolumeSettings(name: "redis", component: .redis, source: .redis), "Redis is down")],
                  sourceUp: ["statfs": true, "redis": false], durationSeconds: 0.25)
    }

    @Test func cloudWatchValuesReadBackWithTheFourDimensions() async throws {
        var config = Configuration()
        config.clusterName = "test-\(UInt32.random(in: 0...UInt32.max))"
        config.cloudwatch.region = "eu-west-1"
        config.cloudwatch.endpoint = try TestStack.motoURL
        config.cloudwatch.accessKeyID = "AKIAIOSFODNN7EXAMPLE"
        config.cloudwatch.secretAccessKey = Secret("secret")
        let published = try await CloudWatchPublisher(config: config).publish(run().samples)
        #expect(published == 3)

        let dimensions = [("ClusterName", config.clusterName), ("Namespace", "langfuse"), ("PVCName", "data-langfuse-clickhouse-shard0-0"), ("PodName", "clickhouse-0")]
        for (metric, expected) in [("UsagePercent", "40.0"), ("UsedGB", "3.0"), ("TotalGB", "10.0")] {
            var form = "Action=GetMetricStatistics&Version=2010-08-01&Namespace=LangfusePVC&MetricName=\(metric)&Period=60&Statistics.member.1=Maximum"
            form += "&StartTime=\(Date().addingTimeInterval(-600).formatted(.iso8601))&EndTime=\(Date().addingTimeInterval(600).formatted(.iso8601))"
            for (index, dimension) in dimensions.enumerated() {
                form += "&Dimensions.member.\(index + 1).Name=\(dimension.0)&Dimensions.member.\(index + 1).Value=\(dimension.1)"
            }
            let response = try await HTTPClient().send(HTTPClientRequest(
                method: .post, url: try TestStack.motoURL, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(form.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: "+", with: "%2B").utf8),
                awsSigV4: AWSSigV4(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Secret("secret"), region: "eu-west-1", service: "monitoring")))
            #expect(response.bodyText.contains("<Maximum>\(expected)</Maximum>"), "\(metric): \(response.bodyText)")
        }
    }

    @Test func promtoolAcceptsTheExposition() throws {
        let text = PrometheusExposition.render(run(), cluster: "prod")
        #expect(text.contains("lfmaint_volume_sample_ok{volume=\"redis\""))
        #expect(!text.contains("lfmaint_volume_used_bytes{volume=\"redis\""), "an unknown volume has no value series")
        let verdict = try CommandLineTests().runTool("/usr/bin/promtool", ["check", "metrics"], input: text)
        #expect(verdict.isEmpty, "promtool: \(verdict)")
    }

    @Test func thePushgatewayShowsThePushedSeries() async throws {
        let url = try TestStack.value("LFMAINT_TEST_PUSHGATEWAY_URL")
        let cluster = "push-\(UInt32.random(in: 0...UInt32.max))"
        try await PushgatewayPublisher(url: url, cluster: cluster).publish(PrometheusExposition.render(run(), cluster: cluster))
        let metrics = try await HTTPClient().send(HTTPClientRequest(url: "\(url)/metrics")).bodyText
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("lfmaint_volume_usage_ratio{") && $0.contains("cluster=\"\(cluster)\"") }
        #expect(line?.hasSuffix(" 0.4") == true, "\(line ?? "no series")")
        #expect(line?.contains("job=\"lfmaint\"") == true)
    }
}
