import Foundation
@testable import LFMaint
import Testing

/// The kubelet source against recorded Summary API shapes served on loopback.
@Suite("Kubelet Summary source")
struct KubeletSamplerTests {
    func volumes(nodes: Int, perNode: Int, withPods: Bool = true) -> [VolumeSettings] {
        (0..<nodes).flatMap { node in
            (0..<perNode).map { slot in
                let name = String(format: "node-%03d", node)
                return VolumeSettings(name: "v-\(name)-\(slot)", component: .clickhouse, source: .kubelet,
                                      pvc: "data-\(name)-\(slot)", pod: withPods ? "app-\(name)-\(slot)" : nil, namespace: "langfuse")
            }
        }
    }

    @Test func aHundredNodesWithTenPVCsEachAreAllFound() async throws {
        let kube = try FakeKube(["--nodes", "100", "--pvcs-per-node", "10"])
        let samples = await KubeletSampler(settings: kube.settings(), defaultNamespace: "langfuse").sample(volumes(nodes: 100, perNode: 10))
        #expect(samples.count == 1000)
        #expect(samples.allSatisfy { $0.status == .ok }, "\(samples.first { $0.status != .ok }?.error ?? "")")
        // node-007 slot 3: capacity 13 GiB, used (7 % 50 + 3*3 + 10)% of it, as the recorded shape says.
        let sample = try #require(samples.first { $0.volume.pvc == "data-node-007-3" })
        let capacity = Int64(13) << 30
        #expect(sample.totalBytes == capacity)
        #expect(sample.usedBytes == capacity * 26 / 100)
        #expect(sample.availableBytes == capacity - capacity * 26 / 100)
        #expect(sample.inodesTotal == 655360 && sample.inodesUsed == 55360)
    }

    @Test func pvcsWithoutAPodAreFoundOnAnyNode() async throws {
        let kube = try FakeKube(["--nodes", "4", "--pvcs-per-node", "2"])
        let samples = await KubeletSampler(settings: kube.settings(), defaultNamespace: "langfuse").sample(volumes(nodes: 4, perNode: 2, withPods: false))
        #expect(samples.allSatisfy { $0.status == .ok })
    }

    @Test func failingNodesMakeOnlyTheirOwnPVCsUnknown() async throws {
        let kube = try FakeKube(["--nodes", "5", "--pvcs-per-node", "2", "--slow-node", "node-001", "--forbidden-node", "node-002", "--sparse-node", "node-003"])
        var settings = kube.settings()
        settings.timeoutSeconds = 1
        let samples = await KubeletSampler(settings: settings, defaultNamespace: "langfuse").sample(volumes(nodes: 5, perNode: 2))
        func errors(_ node: String) -> [String?] { samples.filter { $0.volume.pvc!.contains(node) }.map(\.error) }
        #expect(errors("node-001").allSatisfy { $0?.contains("timed out") == true }, "\(errors("node-001"))")
        #expect(errors("node-002").allSatisfy { $0?.contains("403: Forbidden") == true }, "\(errors("node-002"))")
        #expect(errors("node-003").allSatisfy { $0?.contains("no capacityBytes/availableBytes") == true }, "\(errors("node-003"))")
        for node in ["node-000", "node-004"] {
            #expect(samples.filter { $0.volume.pvc!.contains(node) }.allSatisfy { $0.status == .ok && $0.usagePercent != nil })
        }
        #expect(samples.filter { $0.status == .unknown }.allSatisfy { $0.usedBytes == nil && $0.usagePercent == nil })
    }

    @Test func aWrongTokenMakesEveryVolumeUnknownWithTheReason() async throws {
        let kube = try FakeKube(["--nodes", "1", "--pvcs-per-node", "1"])
        try "wrong-token".write(to: kube.tokenFile, atomically: true, encoding: .utf8)
        let samples = await KubeletSampler(settings: kube.settings(), defaultNamespace: "langfuse").sample(volumes(nodes: 1, perNode: 1))
        #expect(samples.map(\.status) == [.unknown])
        #expect(samples[0].error?.contains("401") == true)
        #expect(samples[0].error?.contains("wrong-token") == false)
    }

    @Test func outsideAClusterWithoutAnAPIServerItSaysSo() async {
        let sampler = KubeletSampler(settings: KubeletSettings(), defaultNamespace: "langfuse")
        let samples = await sampler.sample(volumes(nodes: 1, perNode: 1))
        #expect(samples.map(\.error) == ["no Kubernetes API server: set kubelet.apiServer, or run in a pod (KUBERNETES_SERVICE_HOST)"])
    }

    @Test(.enabled(if: TestStack.isUp, "needs testing/stack.sh up (for its CA)"))
    func theDirectRouteAsksEachKubeletOverVerifiedTLS() async throws {
        let tls = URL(fileURLWithPath: try TestStack.value("LFMAINT_TEST_CA_FILE")).deletingLastPathComponent()
        let kube = try FakeKube(["--nodes", "1", "--pvcs-per-node", "2", "--cert", tls.appendingPathComponent("server.pem").path,
                                 "--key", tls.appendingPathComponent("server.key").path])
        var settings = kube.settings(scheme: "https")
        settings.route = .direct
        settings.kubeletPort = kube.port
        settings.caFile = try TestStack.value("LFMAINT_TEST_CA_FILE")
        let samples = await KubeletSampler(settings: settings, defaultNamespace: "langfuse").sample(volumes(nodes: 1, perNode: 2))
        #expect(samples.allSatisfy { $0.status == .ok }, "\(samples.map(\.error))")
    }
}
