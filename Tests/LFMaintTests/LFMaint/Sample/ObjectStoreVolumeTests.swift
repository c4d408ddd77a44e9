import Foundation
@testable import LFMaint
import Testing

/// The object store Langfuse's chart bundles, as a volume: found by the chart's claim name on the kubelet
/// of the node its Deployment's pod runs on, explained as one share.
@Suite("The bundled object store's volume")
struct ObjectStoreVolumeTests {
    func config(_ kube: FakeKube, chart: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-minio-\(UUID().uuidString).yaml")
        try """
            langfuse: {chart: \(chart)}
            kubelet: {apiServer: "http://127.0.0.1:\(kube.port)", tokenFile: \(kube.tokenFile.path)}
            volumes: [{name: minio, component: minio, source: kubelet}]
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test(arguments: [("v1", "langfuse-s3"), ("v2", "langfuse-s3-all-in-one-data")])
    func eachChartsClaimIsSampledAndExplained(chart: String, claim: String) throws {
        let kube = try FakeKube(["--nodes", "3", "--pvcs-per-node", "1", "--claim", claim, "--claim", "langfuse-s3-other"])
        let cli = CommandLineTests()
        let sample = try cli.run(["sample", "--config", try config(kube, chart: chart), "--output", "json"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let volumes = try #require(try JSONSerialization.jsonObject(with: Data(sample.stdout.utf8)) as? [[String: Any]])
        #expect(volumes.count == 1)
        #expect(volumes.first?["pvc"] as? String == claim)
        #expect(volumes.first?["component"] as? String == "minio")
        #expect(volumes.first?["usagePercent"] as? Double == 40)

        let explain = try cli.run(["explain", "--config", try config(kube, chart: chart), "--output", "json"])
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("\"object_store_data\""), "\(explain.stdout)")
        #expect(explain.stdout.contains("lfmaint s3 apply"))
    }

    @Test func anObjectStoreVolumeIsMeasuredOnlyFromOutside() {
        for source in ["clickhouse", "postgres", "redis"] {
            #expect(throws: ConfigError.self, "\(source)") {
                try ConfigurationLoader.load(yaml: "volumes: [{name: minio, component: minio, source: \(source)}]")
            }
        }
        #expect(throws: Never.self) {
            try ConfigurationLoader.load(yaml: "volumes: [{name: minio, component: minio, source: statfs, path: /data}]")
        }
    }
}
