import Foundation
@testable import LFMaint
import Testing

/// The running agent with growth on: a filling volume is grown once, and followed to its new size without
/// holding up the cycles; a full volume that is not filling is left alone; a second crossing within the
/// cooldown gets no patch.
@Suite("The agent grows what fills")
struct AgentGrowthTests {
    @Test func aFillingVolumeIsGrownOnceAndAFlatOneNever() throws {
        let filling = "postgres-data-langfuse-postgresql-0", flat = "langfuse-s3"
        let kube = try FakeKube(["--nodes", "1", "--pvcs-per-node", "1", "--claim", filling, "--claim", flat,
                                 "--fill", "\(filling)=88", "--fill", "\(flat)=93", "--resize-seconds", "1"])
        let agent = try AgentProcess(config: """
            clickhouse: {url: "http://127.0.0.1:\(TestStack.closedPort())", cluster: {enabled: false}, timeoutSeconds: 1}
            kubelet: {apiServer: "http://127.0.0.1:\(kube.port)", tokenFile: \(kube.tokenFile.path)}
            volumes:
              - {name: postgres, component: postgres, source: kubelet, pvc: \(filling)}
              - {name: minio, component: minio, source: kubelet, pvc: \(flat)}
            agent: {intervalSeconds: 0.3, consecutiveSamples: 1, forecastWindowSeconds: 60}
            grow: {enabled: true, maxGiB: 200, resizePollSeconds: 0.1}
            """, environment: [:])
        let resized = #"lfmaint_volume_resizes_total{volume="postgres",outcome="resized""#
        var percent = 88
        let grown = agent.wait(upTo: 30) {
            percent = min(percent + 1, 97)
            try? kube.fill(filling, percent: percent)
            Thread.sleep(forTimeInterval: 0.3)
            return (AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_volume_resizes_total", [resized]) ?? 0) == 1
        }
        #expect(grown, "\(agent.stderr.suffix(3000))")
        let waitsBefore = AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_volume_actions_total",
                                           [#"volume="postgres""#, #"action="grow_wait""#]) ?? 0
        // Filling on, past the threshold of the new size: within the cooldown, nothing more.
        for percent in [92, 94, 96, 97, 97, 97] {
            try kube.fill(filling, percent: percent)
            Thread.sleep(forTimeInterval: 0.4)
        }
        let patched = try kube.writes().writes.filter { $0["method"] as? String == "PATCH" }.compactMap { $0["path"] as? String }
        #expect(patched == ["/api/v1/namespaces/langfuse/persistentvolumeclaims/\(filling)"], "one patch, the filling volume's")
        let metrics = agent.get("/metrics")?.body ?? ""
        let waitsAfter = AgentProcess.sum(metrics, "lfmaint_volume_actions_total", [#"volume="postgres""#, #"action="grow_wait""#]) ?? 0
        #expect(waitsAfter > waitsBefore, "the second crossing waits")
        #expect(AgentProcess.sum(metrics, "lfmaint_volume_resizes_total", [#"volume="minio""#]) == 0)
        #expect(agent.terminate(limit: 10)?.status == 0)
    }
}
