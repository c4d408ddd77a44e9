@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// `clickhouse.replicas` (`LFMAINT_CLICKHOUSE_REPLICAS`): where lfmaint finds the replicas it measures and protects.
@Suite("Configuration: ClickHouse replicas")
struct ReplicaSettingsTests {
    func error(_ yaml: String, env: [String: String] = [:]) -> String? {
        ConfigurationLoaderTests().error(yaml, env: env)
    }

    @Test func clusterModeDiscoversTheReplicasAndOneServerStaysOne() throws {
        #expect(try ConfigurationLoader.load(yaml: "").clickhouse.replicaSource == .discover)
        let single = try ConfigurationLoader.load(yaml: "", environment: ["CLICKHOUSE_CLUSTER_ENABLED": "false"])
        #expect(single.clickhouse.replicaSource == .single)
    }

    @Test func aListOfURLsIsReadFromTheFileOrTheEnvironment() throws {
        let yaml = """
            clickhouse:
              replicas: [http://ch-0:8123, http://ch-1:8123]
            """
        #expect(try ConfigurationLoader.load(yaml: yaml).clickhouse.replicaSource == .listed(["http://ch-0:8123", "http://ch-1:8123"]))
        let env = try ConfigurationLoader.load(yaml: "", environment: ["LFMAINT_CLICKHOUSE_REPLICAS": "http://a:8123, http://b:8123"])
        #expect(env.clickhouse.replicaSource == .listed(["http://a:8123", "http://b:8123"]))
        let word = try ConfigurationLoader.load(yaml: "clickhouse: {replicas: single}", environment: [:])
        #expect(word.clickhouse.replicaSource == .single)
    }

    @Test func badReplicaListsAreRefusedWithTheKey() {
        #expect(error("clickhouse: {replicas: some}")?.contains("expected discover, single or a list of URLs") == true)
        #expect(error("clickhouse: {replicas: [http://a:8123, http://a:8123]}")?.contains("with repeats") == true)
        #expect(error("clickhouse: {replicas: [ftp://a]}")?.contains("clickhouse.replicas") == true)
        #expect(error("clickhouse: {replicas: [\"http://u:pw@a:8123\"]}")?.contains("holds credentials") == true)
        #expect(error("clickhouse: {replicas: [\"http://a:99999\"]}")?.contains("clickhouse.replicas") == true)
        #expect(error("", env: ["LFMAINT_CLICKHOUSE_REPLICAS": "everything"])?.contains("LFMAINT_CLICKHOUSE_REPLICAS") == true)
    }

    @Test func replicaVolumesAreNamedAsEachChartNamesItsClaims() {
        let volume = VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse, thresholdPercent: 85)
        let local = VolumeSettings(name: "local", component: .clickhouse, source: .statfs, path: "/var/lib/clickhouse")
        let client = ClickHouseClient(settings: ClickHouseSettings())
        let set = ReplicaSet(replicas: (0..<2).map { ClickHouseReplica(url: "http://h\($0):8123", client: client, pod: "langfuse-clickhouse-0-0-\($0)") },
                             isSingle: false)
        let expanded = ReplicaVolumes.expand([volume, local], set, deployment: LangfuseDeployment(chart: .v2))
        #expect(expanded.map(\.name) == ["clickhouse@langfuse-clickhouse-0-0-0", "clickhouse@langfuse-clickhouse-0-0-1", "local"])
        #expect(expanded.prefix(2).map(\.pvc) == ["clickhouse-storage-volume-langfuse-clickhouse-0-0-0", "clickhouse-storage-volume-langfuse-clickhouse-0-0-1"])
        #expect(expanded.prefix(2).allSatisfy { $0.thresholdPercent == 85 && $0.replicaOf == "clickhouse" })
        // Expanding again changes nothing; a replica's volume goes back to the configured one.
        #expect(ReplicaVolumes.expand(expanded, set, deployment: LangfuseDeployment(chart: .v2)) == expanded)
        #expect(ReplicaVolumes.configured(expanded).map(\.name) == ["clickhouse", "local"])
        let v1 = ReplicaVolumes.expand([volume], set, deployment: LangfuseDeployment(chart: .v1))
        #expect(v1.map(\.pvc) == ["data-langfuse-clickhouse-0-0-0", "data-langfuse-clickhouse-0-0-1"])
        // One server keeps the configured volume as it is.
        #expect(ReplicaVolumes.expand([volume], ReplicaSet(replicas: [set.replicas[0]], isSingle: true), deployment: LangfuseDeployment(chart: .v2)) == [volume])
    }

    /// A replica at `host` (port 8123) that named itself `pod`.
    func replica(_ host: String, _ pod: String, error: String? = nil) -> ClickHouseReplica {
        ClickHouseReplica(url: "http://\(host):8123", client: ClickHouseClient(settings: ClickHouseSettings()), pod: pod, error: error)
    }

    @Test func twoListedURLsReachingOneServerAreBothUnknownAndNamedApart() {
        let replicas = ClickHouseReplicas.refusingRepeats([replica("svc", "p0"), replica("p0", "p0"), replica("p1", "p1")])
        #expect(replicas.map { $0.error != nil } == [true, true, false])
        #expect(replicas.map(\.label) == ["svc:8123", "p0:8123", "p1"], "two volumes never share a name")
    }

    @Test func aServerTheClusterListsTwiceCountsOnce() {
        let replicas = ClickHouseReplicas.mergingRepeats([
            replica("p0.svc", "p0"), replica("p1.svc", "p1"), replica("p0.svc.cluster.local", "p0"), replica("p2.svc", "p2", error: "did not answer"),
        ])
        #expect(replicas.map(\.url) == ["http://p0.svc:8123", "http://p1.svc:8123", "http://p2.svc:8123"])
    }

    @Test func aReplicaThatDoesNotAnswerIsUnknownOnlyWhereClickHouseMeasuresIt() {
        let client = ClickHouseClient(settings: ClickHouseSettings())
        let set = ReplicaSet(replicas: [ClickHouseReplica(url: "http://p0:8123", client: client, pod: "p0"),
                                        ClickHouseReplica(url: "http://p1:8123", client: client, pod: "p1", error: "did not answer")], isSingle: false)
        var byClickHouse = VolumeSettings(name: "clickhouse@p1", component: .clickhouse, source: .clickhouse)
        byClickHouse.replica = "http://p1:8123"
        var byKubelet = byClickHouse
        byKubelet.source = .kubelet
        var healthy = byClickHouse
        healthy.replica = "http://p0:8123"
        #expect(SampleWorkflow.unreachable(byClickHouse, set) == "did not answer")
        #expect(SampleWorkflow.unreachable(byKubelet, set) == nil, "the kubelet still measures a stopped replica's PVC")
        #expect(SampleWorkflow.unreachable(healthy, set) == nil)
        // A search that failed: every volume ClickHouse measures is unknown, under its configured name.
        let failed = ReplicaSet(replicas: [ClickHouseReplica(url: "http://svc:8123", client: client, error: "search failed")], isSingle: true)
        #expect(SampleWorkflow.unreachable(VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse), failed) == "search failed")
    }
}
