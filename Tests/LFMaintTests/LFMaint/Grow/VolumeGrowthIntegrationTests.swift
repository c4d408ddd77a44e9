import Foundation
@testable import LFMaint
@testable import LFMaintAgent
@testable import LFMaintSupport
import Testing

/// Growth against the test Kubernetes API (`fake_kube`: real PVC, StorageClass and resize shapes, the API
/// server's checks on a patch): how many patches, of what size, and what is reported.
@Suite("Volume growth against the Kubernetes API", .serialized)
struct VolumeGrowthIntegrationTests {
    static let pvc = "postgres-data-langfuse-postgresql-0"

    static func fake(_ extra: [String] = [], percent: Int = 95) throws -> FakeKube {
        try FakeKube(["--nodes", "1", "--pvcs-per-node", "1", "--claim", pvc, "--fill", "\(pvc)=\(percent)", "--resize-seconds", "0.4"]
            + extra)
    }

    static func config(_ kube: FakeKube, maxGiB: Int = 500, cooldown: Double = 22_200, timeout: Double = 10,
                       enabled: Bool = true) -> Configuration {
        var config = Configuration()
        config.kubelet = kube.settings()
        config.volumes = [VolumeSettings(name: "postgres", component: .postgres, source: .kubelet, pvc: pvc, namespace: "langfuse")]
        config.grow.enabled = enabled
        config.grow.maxGiB = maxGiB
        config.grow.cooldownSeconds = cooldown
        config.grow.resizeTimeoutSeconds = timeout
        config.grow.resizePollSeconds = 0.1
        return config
    }

    static func grow(_ config: Configuration, dryRun: Bool = false, forecasts: [String: Forecast]? = nil) async throws -> GrowthRow {
        let samples = await SampleWorkflow(config: config, volumes: try SampleTargets.volumes(config: config), topLimit: 0).run().samples
        let workflow = try #require(GrowthWorkflow(config: config, dryRun: dryRun))
        return try #require(await workflow.run(samples, forecasts: forecasts).rows.first)
    }

    static func patches(_ kube: FakeKube) throws -> [[String: Any]] {
        try kube.writes().writes.filter { $0["method"] as? String == "PATCH" }
    }

    static func storage(_ patch: [String: Any]) throws -> String? {
        let body = try JSONSerialization.jsonObject(with: Data((patch["body"] as? String ?? "").utf8)) as? [String: Any]
        return ((body?["spec"] as? [String: Any])?["resources"] as? [String: Any])
            .flatMap { ($0["requests"] as? [String: Any])?["storage"] as? String }
    }

    @Test func aFullVolumeGetsExactlyOnePatchOfTheRightSizeAndEventsOnItsPVC() async throws {
        let kube = try Self.fake()
        let config = Self.config(kube)
        let row = try await Self.grow(config)
        guard case .resized(let capacity, _) = row.result else { Issue.record("\(row)"); return }
        #expect(capacity == Int64(60) << 30, "50 GiB + 20 %")
        let patches = try Self.patches(kube)
        #expect(patches.count == 1)
        #expect(try Self.storage(patches[0]) == "60Gi")
        #expect(patches[0]["contentType"] as? String == "application/merge-patch+json")
        let body = try JSONSerialization.jsonObject(with: Data((patches[0]["body"] as? String ?? "").utf8)) as? [String: Any]
        let metadata = body?["metadata"] as? [String: Any]
        #expect(metadata?["resourceVersion"] as? String == "1002", "conditional on the version read")
        let record = ((metadata?["annotations"] as? [String: String])?[ResizeRecord.annotation])
            .flatMap { ResizeRecord.read($0, now: Date().timeIntervalSince1970) }
        #expect(record?.fromBytes == Int64(50) << 30 && record?.toBytes == Int64(60) << 30 && record?.sampledTotalBytes == Int64(50) << 30)

        let events = try kube.writes().events
        #expect(events.map { $0["reason"] as? String } == ["VolumeResizeRequested", "VolumeResizeFinished"])
        #expect(events.allSatisfy {
            ($0["involvedObject"] as? [String: Any])?["name"] as? String == Self.pvc && $0["type"] as? String == "Normal"
        })

        let again = try await Self.grow(config)
        #expect(again.decision.action == "none", "79 % of the new size: \(again.decision.reason)")
        #expect(try Self.patches(kube).count == 1)
    }

    @Test func eachResizeIsSentToTheWebhook() async throws {
        let received = Received()
        let peer = try HostilePeer(.respond { request in
            received.add(request)
            return HostilePeer.Behaviour.httpAnswer(200, "ok", contentType: "text/plain")
        })
        let kube = try Self.fake()
        var config = Self.config(kube)
        config.agent.webhookURL = Secret("\(peer.url)/hook")
        _ = try await Self.grow(config)
        let events = received.all.compactMap { request in
            request.range(of: "\r\n\r\n").flatMap {
                try? JSONSerialization.jsonObject(with: Data(request[$0.upperBound...].utf8)) as? [String: String]
            }
        }
        #expect(events.map { $0["event"] } == ["resize-requested", "resize-finished"], "\(received.all)")
        #expect(events.first?["toBytes"] == String(Int64(60) << 30) && events.first?["volume"] == "postgres")
    }

    @Test func aSecondCrossingWithinTheCooldownGetsNoPatch() async throws {
        let kube = try Self.fake()
        let config = Self.config(kube)
        _ = try await Self.grow(config)
        try kube.fill(Self.pvc, percent: 96)
        let second = try await Self.grow(config)
        guard case .wait(let why) = second.decision else { Issue.record("\(second.decision)"); return }
        #expect(why.contains("cooldown"))
        #expect(try Self.patches(kube).count == 1)
    }

    @Test func aResizeTheKubeletDoesNotShowYetGetsNoSecondPatch() async throws {
        let kube = try Self.fake(["--stale-summary"])
        let config = Self.config(kube, cooldown: 0)
        guard case .resized = try await Self.grow(config).result else { Issue.record("first resize"); return }
        let second = try await Self.grow(config)
        guard case .wait(let why) = second.decision else { Issue.record("\(second.decision)"); return }
        #expect(why.contains("does not show in a sample yet"), "\(why)")
        #expect(try Self.patches(kube).count == 1)
    }

    @Test func theCeilingIsNeverPassed() async throws {
        let kube = try Self.fake()
        let config = Self.config(kube, maxGiB: 55, cooldown: 0)
        let first = try await Self.grow(config)
        #expect(first.decision == .grow(GrowthStep(fromBytes: Int64(50) << 30, toBytes: Int64(55) << 30, capped: true)))
        try kube.fill(Self.pvc, percent: 97)
        let second = try await Self.grow(config)
        guard case .refuse(let why) = second.decision else { Issue.record("\(second.decision)"); return }
        #expect(why.contains("grow.maxGiB"))
        #expect(try Self.patches(kube).map(Self.storage) == ["55Gi"])
    }

    @Test(arguments: ["absent", "false"])
    func aStorageClassWithoutExpansionGetsNoPatchAndAClearMessage(expansion: String) async throws {
        let kube = try Self.fake(["--expansion", expansion])
        let row = try await Self.grow(Self.config(kube))
        guard case .refuse(let why) = row.decision else { Issue.record("\(row.decision)"); return }
        #expect(why.contains("StorageClass gp3 does not allow volume expansion"), "\(why)")
        #expect(try kube.writes().writes.isEmpty)
    }

    /// `old-error`: a cluster before 1.31, where the failure is only in the resizer's Warning Event.
    @Test(arguments: [("stall", "ControllerResizeInProgress"), ("error", "VolumeModificationRateExceeded"),
                      ("old-error", "the PVC's last Warning Event: VolumeResizeFailed: resize volume")])
    func aStalledResizeIsReportedWithTheResizersWord(mode: String, words: String) async throws {
        let kube = try Self.fake(["--resize", mode])
        let row = try await Self.grow(Self.config(kube, timeout: 1.5))
        guard case .stalled(let why) = row.result else { Issue.record("\(row.result)"); return }
        #expect(why.contains(words) && why.contains("no new capacity after 1 s"), "\(why)")
        let warning = try kube.writes().events.last
        #expect(warning?["type"] as? String == "Warning" && warning?["reason"] as? String == "VolumeResizeStalled")
        #expect(try Self.patches(kube).count == 1)
    }

    @Test func aSizeKubernetesCallsInfeasibleFailsAtOnce() async throws {
        let kube = try Self.fake(["--resize", "infeasible"])
        let started = Date()
        let row = try await Self.grow(Self.config(kube, timeout: 30))
        guard case .failed(let why) = row.result else { Issue.record("\(row.result)"); return }
        #expect(why.contains("ControllerResizeInfeasible"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aDryRunPlansTheResizeAndWritesNothing() async throws {
        let kube = try Self.fake()
        let row = try await Self.grow(Self.config(kube), dryRun: true)
        #expect(row.decision == .grow(GrowthStep(fromBytes: Int64(50) << 30, toBytes: Int64(60) << 30)))
        #expect(row.result == .planned)
        #expect(try kube.writes().writes.isEmpty)
    }

    @Test func theAgentGrowsOnlyWhatItsForecastSaysFillsSoon() async throws {
        let kube = try Self.fake()
        let config = Self.config(kube)
        #expect(try await Self.grow(config, forecasts: ["postgres": .notFilling]).decision.action == "none")
        #expect(try await Self.grow(config, forecasts: ["postgres": .fillsIn(seconds: 30 * 86_400)]).decision.action == "none")
        #expect(try await Self.grow(config, forecasts: [:]).decision.action == "wait", "no forecast yet")
        #expect(try Self.patches(kube).isEmpty)
        guard case .resized = try await Self.grow(config, forecasts: ["postgres": .fillsIn(seconds: 86_400)]).result else {
            Issue.record("filling within a day"); return
        }
        #expect(try Self.patches(kube).count == 1)
    }

    @Test func aClickHouseVolumeGrowsOnlyOnASampleAfterACleanupThatEndedAbove() async throws {
        let claim = "data-langfuse-clickhouse-shard0-0"
        let kube = try FakeKube(["--nodes", "1", "--pvcs-per-node", "1", "--claim", claim, "--fill", "\(claim)=95",
                                 "--resize-seconds", "0.4"])
        var config = Self.config(kube)
        config.clickhouse.url = "http://127.0.0.1:\(TestStack.closedPort())"
        config.clickhouse.clusterEnabled = false
        config.volumes = [VolumeSettings(name: "clickhouse", component: .clickhouse, source: .kubelet, pvc: claim, namespace: "langfuse")]
        let work = try AgentWork(config: config)
        let sampledAt = Date().timeIntervalSince1970
        let run = await SampleWorkflow(config: config, volumes: try SampleTargets.volumes(config: config), topLimit: 0).run()
        var memory = GrowthMemory()
        #expect(await work.grow(run, sampledAt: sampledAt, history: nil, memory: &memory, follow: true).rows.isEmpty, "not cleaned yet")
        let cleaned = AgentWork.CleanupResult(verdict: .stillAbove, run: nil, message: "every step tried")
        memory.cleanupEnded(cleaned, names: ["clickhouse"], at: sampledAt + 1)
        #expect(await work.grow(run, sampledAt: sampledAt, history: nil, memory: &memory, follow: true).rows.isEmpty,
                "a sample taken before the cleanup ended")
        let turn = await work.grow(run, sampledAt: sampledAt + 2, history: nil, memory: &memory, follow: true)
        guard case .resized = turn.rows.first?.result else { Issue.record("\(turn.rows)"); return }
        #expect(turn.grown == ["clickhouse"] && memory.cleanedOut.isEmpty, "the resize uses the cleanup up")
        #expect(work.status.exposition().contains(
            #"lfmaint_volume_resizes_total{volume="clickhouse",outcome="resized",cluster="langfuse"} 1"#))
    }

    /// The cleanup trigger re-arms under the target, and so does growth's memory of the cleanup: a volume
    /// between the two is still cleaned out, and grows when it crosses again.
    @Test func aCleanedOutVolumeStaysSoUntilItIsUnderItsTarget() async throws {
        let claim = "data-langfuse-clickhouse-shard0-0"
        let kube = try FakeKube(["--nodes", "1", "--pvcs-per-node", "1", "--claim", claim, "--fill", "\(claim)=88"])
        var config = Self.config(kube)
        config.clickhouse.url = "http://127.0.0.1:\(TestStack.closedPort())"
        config.clickhouse.clusterEnabled = false
        config.volumes = [VolumeSettings(name: "clickhouse", component: .clickhouse, source: .kubelet, pvc: claim, namespace: "langfuse")]
        let work = try AgentWork(config: config, dryRun: true)
        var memory = GrowthMemory()
        memory.cleanupEnded(AgentWork.CleanupResult(verdict: .stillAbove, run: nil, message: ""), names: ["clickhouse"], at: 1)
        func turn(_ percent: Int) async throws -> [GrowthRow] {
            try kube.fill(claim, percent: percent)
            let run = await SampleWorkflow(config: config, volumes: try SampleTargets.volumes(config: config), topLimit: 0).run()
            return await work.grow(run, sampledAt: Date().timeIntervalSince1970, history: nil, memory: &memory, follow: true).rows
        }
        #expect(try await turn(88).isEmpty && !memory.cleanedOut.isEmpty, "88 %: under the threshold, over the target")
        #expect(try await turn(93).first?.decision.action == "grow", "crossing again grows")
        #expect(try await turn(79).isEmpty && memory.cleanedOut.isEmpty, "79 %: under the target, afresh")
        #expect(try await turn(93).isEmpty, "the next crossing is cleaned first")
    }

    @Test func theAgentPatchesAndFollowsTheResizeWithoutWaitingForIt() async throws {
        let kube = try Self.fake(["--resize-seconds", "1.5"])
        let work = try AgentWork(config: Self.config(kube))
        let run = await SampleWorkflow(config: work.config, volumes: try SampleTargets.volumes(config: work.config), topLimit: 0).run()
        var memory = GrowthMemory()
        let started = Date()
        let turn = await work.grow(run, sampledAt: started.timeIntervalSince1970, history: nil, memory: &memory, follow: false)
        #expect(turn.rows.first?.result == .requested)
        #expect(Date().timeIntervalSince(started) < 1.2, "the turn returns before the resize ends")
        let resized = #"lfmaint_volume_resizes_total{volume="postgres",outcome="resized",cluster="langfuse"} 1"#
        var seen = false
        for _ in 0..<50 where !seen {
            try await Task.sleep(nanoseconds: 100_000_000)
            seen = work.status.exposition().contains(resized)
        }
        #expect(seen, "the following task counts the resize once it ends")
        #expect(try kube.writes().events.map { $0["reason"] as? String } == ["VolumeResizeRequested", "VolumeResizeFinished"])
    }

    /// A server that applies the patch and answers junk: the PVC read again shows lfmaint's record, so the
    /// resize is followed, not reported as failed. Condition messages of any length or bytes stay bounded.
    @Test func aPatchWhoseAnswerIsJunkIsCheckedOnThePVC() async throws {
        let applied = Received()
        let peer = try HostilePeer(.respond { request in
            if request.hasPrefix("PATCH "), let start = request.range(of: "\r\n\r\n") {
                applied.add(String(request[start.upperBound...]))
                return HostilePeer.Behaviour.httpAnswer(200, "<html>\u{1}\u{7}gateway says hello</html>", contentType: "text/html")
            }
            if request.contains("/storageclasses/") { return HostilePeer.Behaviour.httpAnswer(200, #"{"allowVolumeExpansion":true}"#) }
            if request.hasPrefix("POST ") { return HostilePeer.Behaviour.httpAnswer(201, "{}") }
            let patch = applied.all.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let record = ((patch?["metadata"] as? [String: Any])?["annotations"] as? [String: String])?[ResizeRecord.annotation]
            let noise = String(repeating: "\u{1b}[31mresizing ", count: 5000)
            let claim: [String: Any] = [
                "metadata": ["name": "p", "namespace": "langfuse", "resourceVersion": record == nil ? "5" : "6",
                             "annotations": record.map { [ResizeRecord.annotation: $0] } ?? [:]],
                "spec": ["resources": ["requests": ["storage": record == nil ? "50Gi" : "60Gi"]], "storageClassName": "gp3"],
                "status": ["phase": "Bound", "capacity": ["storage": applied.all.isEmpty ? "50Gi" : "60Gi"],
                           "conditions": [["type": "ControllerResizeError", "status": record == nil ? "False" : "True", "message": noise]]],
            ]
            return HostilePeer.Behaviour.httpAnswer(200,
                String(decoding: try! JSONSerialization.data(withJSONObject: claim), as: UTF8.self))
        })
        let kube = try Self.fake()
        var config = Self.config(kube, timeout: 1.5)
        config.kubelet.apiServer = peer.url
        config.volumes = [VolumeSettings(name: "postgres", component: .postgres, source: .statfs, path: "/", pvc: "p",
                                         namespace: "langfuse")]
        config.cleanup.thresholdPercent = 1
        let row = try await Self.grow(config)
        #expect(applied.all.count == 1, "one patch")
        guard case .stalled(let why) = row.result else { Issue.record("\(row.result)"); return }
        #expect(why.count < 700 && !why.contains("\u{1b}"), "bounded and printable: \(why.count) characters")
    }

    @Test func aPVCChangedBetweenTheGuardAndThePatchIsLeftAlone() async throws {
        let claim = #"{"kind":"PersistentVolumeClaim","apiVersion":"v1","#
            + #""metadata":{"name":"p","namespace":"langfuse","resourceVersion":"5"},"#
            + #""spec":{"resources":{"requests":{"storage":"50Gi"}},"storageClassName":"gp3"},"#
            + #""status":{"phase":"Bound","capacity":{"storage":"50Gi"}}}"#
        let peer = try HostilePeer(.respond { request in
            if request.hasPrefix("PATCH ") {
                return HostilePeer.Behaviour.httpAnswer(409, #"{"kind":"Status","apiVersion":"v1","status":"Failure","#
                    + #""message":"Operation cannot be fulfilled on persistentvolumeclaims \"p\": the object has been modified; "#
                    + #"please apply your changes to the latest version and try again","reason":"Conflict","code":409}"#)
            }
            if request.contains("/storageclasses/") { return HostilePeer.Behaviour.httpAnswer(200, #"{"allowVolumeExpansion":true}"#) }
            return HostilePeer.Behaviour.httpAnswer(200, claim)
        })
        let kube = try Self.fake()
        var config = Self.config(kube)
        config.kubelet.apiServer = peer.url
        config.volumes = [VolumeSettings(name: "postgres", component: .postgres, source: .statfs, path: "/", pvc: "p",
                                         namespace: "langfuse")]
        config.cleanup.thresholdPercent = 1
        let row = try await Self.grow(config)
        guard case .skipped(let why) = row.result else { Issue.record("\(row.result)"); return }
        #expect(why.contains("changed since lfmaint read it; nothing was patched") && why.contains("the object has been modified"),
                "\(why)")
    }
}

final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [String] = []

    func add(_ request: String) { lock.withLock { requests.append(request) } }
    var all: [String] { lock.withLock { requests } }
}
