import Foundation
@testable import LFMaint
import Testing

/// Kubelet Summaries with numbers no volume can have, and with one PVC listed twice.
@Suite("Kubelet Summaries that lie")
struct HostileKubeletTests {
    let sampler = KubeletSampler(settings: KubeletSettings(), defaultNamespace: "langfuse")

    func summary(_ entries: [(pod: String, capacity: String, available: String)]) throws -> [String: Result<[String: [KubeletSummary.Mount]], Error>] {
        let pods = entries.map { entry in
            #"{"podRef":{"name":"\#(entry.pod)","namespace":"langfuse"},"volume":[{"name":"data","capacityBytes":\#(entry.capacity),"#
                + #""availableBytes":\#(entry.available),"pvcRef":{"name":"data-langfuse-clickhouse-shard0-0","namespace":"langfuse"}}]}"#
        }
        let json = #"{"node":{"nodeName":"n1"},"pods":[\#(pods.joined(separator: ","))]}"#
        return ["n1": .success(try JSONDecoder().decode(KubeletSummary.self, from: Data(json.utf8)).volumesByPVC())]
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
}
