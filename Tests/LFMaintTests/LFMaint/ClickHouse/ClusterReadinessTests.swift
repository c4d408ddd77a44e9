@testable import LFMaint
import Testing

/// The cluster check's verdict on what a server's system tables say, for the setups operators run.
@Suite("Cluster mode readiness")
struct ClusterReadinessTests {
    static let noKeeper = "code 139: There is no Zookeeper configuration in server config"

    @Test func aSingleServerWithoutTheClusterIsRefusedNamingBothVariables() throws {
        let refusal = try #require(ClusterReadiness(clusters: [], databaseEngine: "Atomic", ddlQueueError: Self.noKeeper).refusal(cluster: "default"))
        #expect(refusal.key == "CLICKHOUSE_CLUSTER_ENABLED, CLICKHOUSE_CLUSTER_NAME")
        #expect(refusal.description.contains("cluster \"default\" is not in system.clusters (the server has no clusters)"))
        #expect(!refusal.description.contains("\n"))
    }

    @Test func aClusterWithoutDistributedDDLIsRefused() throws {
        let readiness = ClusterReadiness(clusters: ["default"], databaseEngine: "Atomic", ddlQueueError: Self.noKeeper)
        let refusal = try #require(readiness.refusal(cluster: "default"))
        #expect(refusal.description.contains("distributed DDL cannot run on it (system.distributed_ddl_queue: code 139"))
    }

    @Test func aWrongClusterNameListsTheServersClusters() throws {
        let refusal = try #require(ClusterReadiness(clusters: ["langfuse", "all-sharded"], databaseEngine: "Atomic", ddlQueueError: nil)
            .refusal(cluster: "default"))
        #expect(refusal.description.contains("the server's clusters are langfuse, all-sharded"))
    }

    /// Helm chart v2: the operator makes `default` a Replicated database, which lists itself as a cluster
    /// and runs its DDL through Keeper even where the server-wide DDL queue cannot be read.
    @Test func chartV2sReplicatedDatabaseAndAKeeperClusterPass() {
        #expect(ClusterReadiness(clusters: ["default"], databaseEngine: "Replicated", ddlQueueError: Self.noKeeper).refusal(cluster: "default") == nil)
        #expect(ClusterReadiness(clusters: ["default"], databaseEngine: "Atomic", ddlQueueError: nil).refusal(cluster: "default") == nil)
    }
}
