import Foundation
import LFMaintEdges
import LFMaintSupport
import Synchronization

/// Finds the ClickHouse replicas (`ClickHouseReplicaSource`) and asks each who it is. Clients, the pods
/// replicas named and the last set found are kept across runs: connections are reused by the agent and
/// the cleanup's repeated samples, and a replica or a search that fails keeps its names.
final class ClickHouseReplicas: Sendable {
    let primary: ClickHouseClient
    private let clients = Mutex<[String: ClickHouseClient]>([:])
    private let lastFound = Mutex<ReplicaSet?>(nil)
    static let maximumReplicas = 64
    /// A source stalling on one question makes that replica (or the discovery) unknown after this long.
    static let answerSeconds = 10.0

    init(primary: ClickHouseClient) {
        self.primary = primary
    }

    /// `seconds`: the most the whole search may take (each question gets at most `answerSeconds`). A
    /// search that fails leaves the replicas found last time, each unknown (or, the first time, the one
    /// server behind the URL, unknown): their volumes keep their names.
    func resolve(within seconds: Double = answerSeconds) async -> ReplicaSet {
        let settings = primary.settings
        let answer = min(seconds, Self.answerSeconds)
        let urls: [(url: String, shard: Int, hint: String?)]
        switch settings.replicaSource {
        case .single:
            return ReplicaSet(replicas: [ClickHouseReplica(url: settings.url, client: primary)], isSingle: true)
        case .listed(let listed):
            urls = listed.map { ($0, 1, nil) }
        case .discover:
            do {
                urls = try await withDeadline(seconds: answer) { try await self.discover() }
            } catch {
                let why = error is DeadlineExceeded ? "no answer within \(answer.formatted()) s" : String(describing: error)
                let reason = "the cluster's replicas could not be listed from system.clusters on \(self.primary.host): \(why)"
                guard var last = lastFound.withLock({ $0 }) else {
                    return ReplicaSet(replicas: [ClickHouseReplica(url: settings.url, client: primary, error: reason)], isSingle: true)
                }
                for index in last.replicas.indices { last.replicas[index].error = reason }
                return last
            }
            // A cluster of one (chart v2 with one replica) or none is the server behind the URL.
            if urls.count <= 1 { return ReplicaSet(replicas: [ClickHouseReplica(url: settings.url, client: primary)], isSingle: true) }
        }
        let replicas = await withTaskGroup(of: (Int, ClickHouseReplica).self) { group in
            for (index, host) in urls.enumerated() {
                let named = lastFound.withLock { $0?.replica(url: host.url)?.pod }
                let replica = ClickHouseReplica(url: host.url, client: client(for: host.url), pod: named ?? host.hint, shard: host.shard)
                group.addTask { (index, await Self.identify(replica, within: answer)) }
            }
            return await group.reduce(into: [(Int, ClickHouseReplica)]()) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        // The cluster may list one server twice (a Replicated database lists itself beside remote_servers):
        // the first stays. A list an operator wrote is refused instead.
        let set = ReplicaSet(replicas: settings.replicaSource == .discover ? Self.mergingRepeats(replicas) : Self.refusingRepeats(replicas),
                             isSingle: false)
        lastFound.withLock { $0 = set }
        return set
    }

    static func mergingRepeats(_ replicas: [ClickHouseReplica]) -> [ClickHouseReplica] {
        var seen: Set<String> = []
        return replicas.filter { replica in replica.error != nil || replica.pod.map { seen.insert($0).inserted } ?? true }
    }

    /// Two URLs that reach the same server (a Service beside its pods) would count its disk twice and
    /// hide the other: both are unknown until the list names each server once.
    static func refusingRepeats(_ replicas: [ClickHouseReplica]) -> [ClickHouseReplica] {
        let counts = Dictionary(grouping: replicas.compactMap(\.pod), by: { $0 }).mapValues(\.count)
        return replicas.map { replica in
            var replica = replica
            if let pod = replica.pod, let count = counts[pod], count > 1 {
                replica.error = "\(count) of the replica URLs reach the same server (host name \(pod)): list each replica once"
                replica.pod = nil // named by its URL, so that the two volumes stay apart
            }
            return replica
        }
    }

    func client(for url: String) -> ClickHouseClient {
        if url == primary.settings.url { return primary }
        return clients.withLock { clients in
            if let known = clients[url] { return known }
            var settings = primary.settings
            settings.url = url
            let client = ClickHouseClient(settings: settings)
            clients[url] = client
            return client
        }
    }

    /// Every host of the cluster, shard by shard, replica by replica, at `clickhouse.url`'s scheme and port.
    private func discover() async throws -> [(url: String, shard: Int, hint: String?)] {
        struct Host: Decodable {
            let host_name: String
            let shard_num: Int64
        }
        let hosts = try await primary.read("""
            SELECT DISTINCT host_name, toInt64(shard_num) AS shard_num, replica_num FROM system.clusters WHERE cluster = {cluster:String}
            ORDER BY shard_num, replica_num, host_name
            """,
            parameters: ["cluster": primary.settings.clusterName], as: Host.self)
        guard hosts.count <= Self.maximumReplicas else {
            throw ClickHouseError.unexpectedResponse(host: primary.host, detail: "\(hosts.count) hosts in cluster \(primary.settings.clusterName); "
                + "lfmaint watches at most \(Self.maximumReplicas): list them in clickhouse.replicas", statement: "system.clusters")
        }
        var urls: [(url: String, shard: Int, hint: String?)] = []
        for host in hosts {
            guard Self.isHostName(host.host_name), (1...Int64(Int32.max)).contains(host.shard_num),
                  var components = URLComponents(string: primary.settings.url) else {
                throw ClickHouseError.unexpectedResponse(host: primary.host, detail: "system.clusters lists a host \"\(host.host_name.prefix(80))\" "
                    + "(shard \(host.shard_num)) that is not a host name or not a shard", statement: "system.clusters")
            }
            components.host = host.host_name
            // A pod's DNS name starts with the pod's name (`<pod>.<headless service>…`); an address names no pod.
            let first = String(host.host_name.prefix { $0 != "." })
            let hint = host.host_name.contains(":") || !first.contains(where: \.isLetter) ? nil : first
            if let url = components.string, !urls.contains(where: { $0.url == url }) { urls.append((url, Int(host.shard_num), hint)) }
        }
        return urls
    }

    /// Asks the server its host name; a server that does not answer, or names itself oddly, is unknown.
    static func identify(_ replica: ClickHouseReplica, within seconds: Double) async -> ClickHouseReplica {
        var replica = replica
        let client = replica.client
        do {
            let name = try await withDeadline(seconds: seconds) { try await client.readText("SELECT hostName()") }
            let pod = String(name.prefix { $0 != "." })
            guard isHostName(name), !pod.isEmpty else {
                replica.error = "\(replica.client.host) gave \"\(name.prefix(80))\" as its host name"
                return replica
            }
            replica.pod = pod
        } catch {
            replica.error = "\(replica.client.host) did not answer: \(error)"
        }
        return replica
    }

    /// Letters, digits, `-`, `.` (and `:` for an IPv6 address), at most 253 characters.
    static func isHostName(_ text: String) -> Bool {
        (1...253).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == ":") }
    }
}
