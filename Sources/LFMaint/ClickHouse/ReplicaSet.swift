import Foundation
import LFMaintEdges
import LFMaintSupport

/// One ClickHouse server of the installation, as lfmaint found it this run.
struct ClickHouseReplica: Sendable {
    /// Where lfmaint reaches it, without credentials.
    let url: String
    let client: ClickHouseClient
    /// Its pod: the server's own host name (`hostName()`, a StatefulSet pod's host name is the pod's
    /// name), else the last one it gave, else the first label of the host the cluster lists.
    var pod: String?
    /// Why it could not be asked; such a replica is unknown, and nothing destructive runs.
    var error: String?
    /// Its shard (`system.clusters.shard_num`); listed replicas are one shard's.
    var shard: Int

    init(url: String, client: ClickHouseClient, pod: String? = nil, error: String? = nil, shard: Int = 1) {
        self.url = url
        self.client = client
        self.pod = pod
        self.error = error
        self.shard = shard
    }

    /// The pod's name, else the host and port lfmaint reaches it at.
    var label: String {
        if let pod { return pod }
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}

/// The replicas one run found: one server (today's single-node case) or every replica of the cluster.
public struct ReplicaSet: Sendable {
    var replicas: [ClickHouseReplica]
    /// The one server behind `clickhouse.url`: volumes keep their configured names.
    var isSingle: Bool

    init(replicas: [ClickHouseReplica], isSingle: Bool) {
        self.replicas = replicas
        self.isSingle = isSingle
    }

    /// The replica whose ClickHouse holds the cleanup lock: the first the cluster lists, whichever replica a run reached.
    var lockHolder: ClickHouseReplica? { replicas.first }
    /// Why the servers could not all be asked (a search that failed, replicas that did not answer).
    var failure: String? { unknown.isEmpty ? nil : unknown.compactMap(\.error).joined(separator: "; ") }
    var unknown: [ClickHouseReplica] { replicas.filter { $0.error != nil } }

    func replica(url: String) -> ClickHouseReplica? { replicas.first { $0.url == url } }

    /// Every replica but those in `except` (URLs) still answers (`SELECT 1`), each within `seconds`.
    func allAnswer(within seconds: Double, except: Set<String> = []) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            for replica in replicas where !except.contains(replica.url) {
                group.addTask { (try? await withDeadline(seconds: seconds) { try await replica.client.readText("SELECT 1") }) == "1" }
            }
            return await group.allSatisfy { $0 }
        }
    }
}
