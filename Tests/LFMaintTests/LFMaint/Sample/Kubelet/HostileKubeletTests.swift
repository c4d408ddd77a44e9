import Foundation
@testable import LFMaint
import Testing

/// Kubelet Summaries with numbers no volume can have, and with one PVC listed twice.
@Suite("Kubelet Summaries that lie")
struct HostileKubeletTests {
    let sampler = KubeletSampler(settings: KubeletSettings(), defaultNamespace: "langfuse")

    func summary(_ entries: [(pod: String, capacity: String, available: String)]) throws -> NodeSummaries {
        let pods = entries.map { entry in
            #"{"podRef":{"name":"\#(entry.pod)","namespace":"langfuse"},"volume":[{"name":"data","capacityBytes":\#(entry.capacity),"#
                + #""availableBytes":\#(entry.available),"pvcRef":{"name":"data-langfuse-clickhouse-shard0-0","namespace":"langfuse"}}]}"#
        }
        let json = #"{"node":{"nodeName":"n1"},"pods":[\#(pods.joined(separator: ","))]}"#
        return NodeSummaries(["n1": .success(try KubeletSummary.volumesByPVC(json: Data(json.utf8)))])
    }

    func volume(pod: String? = nil) -> VolumeSettings {
        VolumeSettings(name: "clickhouse", component: .clickhouse, source: .kubelet, pvc: "data-langfuse-clickhouse-shard0-0", pod: pod)
    }

    @Test(arguments: [("9223372036854775807", "-1"), ("0", "0"), ("-5", "1"), ("100", "400")])
    func impossibleNumbersAreUnknownNotOK(_ numbers: (String, String)) throws {
        let sample = sampler.sample(volume(), summaries: try summary([("clickhouse-0", numbers.0, numbers.1)]), podNode: "n1")
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("impossible") == true, "\(sample.error ?? "")")
    }

    @Test func aPVCListedTwiceIsReadFromTheConfiguredPod() throws {
        let summaries = try summary([("clickhouse-0", "100", "40"), ("backup-job", "100", "90")])
        #expect(sampler.sample(volume(pod: "clickhouse-0"), summaries: summaries, podNode: "n1").usagePercent == 60)
        #expect(sampler.sample(volume(pod: "backup-job"), summaries: summaries, podNode: "n1").usagePercent == 10)
    }

    @Test func aPVCListedTwiceWithoutAPodIsReadAtItsFullest() throws {
        let summaries = try summary([("clickhouse-0", "100", "40"), ("backup-job", "100", "90")])
        #expect(sampler.sample(volume(), summaries: summaries, podNode: nil).usagePercent == 60)
        let reversed = try summary([("backup-job", "100", "90"), ("clickhouse-0", "100", "40")])
        #expect(sampler.sample(volume(), summaries: reversed, podNode: nil).usagePercent == 60)
    }

    /// The API server on a hostile peer, with a token file of its own.
    func sampleThrough(_ behaviour: HostilePeer.Behaviour, timeout: Double = 1) async throws -> (sample: VolumeSample, seconds: Double) {
        let peer = try HostilePeer(behaviour)
        let token = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-token-\(UUID().uuidString)")
        try "t".write(to: token, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: token) }
        var settings = KubeletSettings()
        settings.apiServer = peer.url
        settings.tokenFile = token.path
        settings.timeoutSeconds = timeout
        let start = Date()
        let samples = await KubeletSampler(settings: settings, defaultNamespace: "langfuse").sample([volume(pod: "clickhouse-0")])
        return (try #require(samples.first), Date().timeIntervalSince(start))
    }

    @Test func aStalledAPIServerMakesTheVolumeUnknownAtItsTimeout() async throws {
        let (sample, seconds) = try await sampleThrough(.stall)
        #expect(sample.status == .unknown)
        #expect(seconds < 4, "\(seconds) s")
    }

    @Test func anAPIServerThatDripsMakesTheVolumeUnknownAtItsTimeout() async throws {
        let (sample, seconds) = try await sampleThrough(.drip(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{".utf8), interval: 0.3))
        #expect(sample.status == .unknown)
        #expect(seconds < 4, "\(seconds) s")
    }

    @Test func anErrorPageIsOneShortLineWithoutMarkup() async throws {
        let page = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n</body>\n</html>\n"
        let (sample, _) = try await sampleThrough(.http(502, page, contentType: "text/html"))
        #expect(sample.status == .unknown)
        let error = try #require(sample.error)
        #expect(error.contains("502 Bad Gateway") && !error.contains("<") && !error.contains("\n"), "\(error)")
    }

    @Test func numbersPast64BitsInASummaryAreUnknownNotATrap() async throws {
        let summary = #"{"node":{"nodeName":"n1"},"pods":[{"podRef":{"name":"clickhouse-0","namespace":"langfuse"},"volume":[{"name":"d","#
            + #""capacityBytes":99999999999999999999999,"availableBytes":1,"pvcRef":{"name":"data-langfuse-clickhouse-shard0-0","namespace":"langfuse"}}]}]}"#
        let (sample, _) = try await sampleThrough(.respond { request in
            if request.hasPrefix("GET /api/v1/nodes ") || request.hasPrefix("GET /api/v1/nodes?") {
                return HostilePeer.Behaviour.httpAnswer(200, #"{"items":[{"metadata":{"name":"n1"}}]}"#)
            }
            if request.contains("/pods") {
                return HostilePeer.Behaviour.httpAnswer(200, #"{"items":[{"metadata":{"name":"clickhouse-0","namespace":"langfuse"},"spec":{"nodeName":"n1"}}]}"#)
            }
            return HostilePeer.Behaviour.httpAnswer(200, summary)
        })
        #expect(sample.status == .unknown, "\(sample)")
    }
}
