import LFMaintEdges
import LFMaintSupport
import Synchronization

/// With cluster mode on, every statement lfmaint sends carries `ON CLUSTER <name>`. On a server without
/// that cluster or without distributed DDL each one would fail; so before anything is sent this is
/// checked once, with reads only, and a bad setting is refused as bad input (exit 2).
struct ClusterReadiness: Sendable, Equatable {
    /// The clusters `system.clusters` lists (a Replicated database lists itself as one).
    var clusters: [String]
    /// The engine of Langfuse's database (`Replicated` with Helm chart v2's ClickHouse operator).
    var databaseEngine: String?
    /// Whether `system.distributed_ddl_queue` can be read, which needs Keeper and `<distributed_ddl>`;
    /// the server's refusal when it cannot.
    var ddlQueueError: String?

    init(clusters: [String], databaseEngine: String?, ddlQueueError: String?) {
        self.clusters = clusters
        self.databaseEngine = databaseEngine
        self.ddlQueueError = ddlQueueError
    }

    /// nil when `ON CLUSTER name` can run; otherwise why not, as one line naming the variables to fix.
    func refusal(cluster name: String) -> ConfigError? {
        let problem: String
        if !clusters.contains(name) {
            let known = clusters.isEmpty ? "the server has no clusters" : "the server's clusters are \(clusters.joined(separator: ", "))"
            problem = "cluster \"\(name)\" is not in system.clusters (\(known))"
        } else if let error = ddlQueueError, databaseEngine != "Replicated" {
            problem = "distributed DDL cannot run on it (system.distributed_ddl_queue: \(error))"
        } else {
            return nil
        }
        return ConfigError(key: "CLICKHOUSE_CLUSTER_ENABLED, CLICKHOUSE_CLUSTER_NAME",
                           "cluster mode is on (CLICKHOUSE_CLUSTER_ENABLED unset or true) but \(problem); nothing was changed. "
                           + "On a single server set CLICKHOUSE_CLUSTER_ENABLED=false, as Langfuse's docker compose and Helm chart v1 "
                           + "with one replica do; on a cluster set CLICKHOUSE_CLUSTER_NAME to its name")
    }
}

extension SystemCatalog {
    func clusterReadiness(database: SQLIdentifier) async throws -> ClusterReadiness {
        struct Cluster: Decodable { let cluster: String }
        struct Database: Decodable { let engine: String }
        let clusters = try await client.read("SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster", as: Cluster.self)
        let engine = try await client.read("SELECT engine FROM system.databases WHERE name = {database:String}",
                                           parameters: ["database": database.name], as: Database.self).first?.engine
        var ddlQueueError: String?
        do {
            _ = try await client.readText("SELECT count() FROM system.distributed_ddl_queue")
        } catch ClickHouseError.server(_, let code, let message, _) {
            ddlQueueError = "code \(code.map(String.init) ?? "?"): " + (message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "")
        }
        return ClusterReadiness(clusters: clusters.map(\.cluster), databaseEngine: engine, ddlQueueError: ddlQueueError)
    }
}

extension ClickHouseClient {
    /// Throws the `ConfigError` of `ClusterReadiness` when cluster mode is on and cannot work; asked of
    /// the server once per client.
    func requireClusterReady() async throws {
        guard case .onCluster(let name) = cluster, !clusterReadyChecked.withLock({ $0 }) else { return }
        let readiness = try await SystemCatalog(client: self).clusterReadiness(database: SQLIdentifier(settings.database)!)
        if let refusal = readiness.refusal(cluster: name.name) { throw refusal }
        clusterReadyChecked.withLock { $0 = true }
    }
}
