import Foundation
import Synchronization

/// One ClickHouse server of the installation, as lfmaint found it this run.
public struct ClickHouseReplica: Sendable {
    /// Where lfmaint reaches it, without credentials.
    public let url: String
    public let client: ClickHouseClient
    /// The server's own host name (`hostName()`): a StatefulSet pod's host name is the pod's name.
    public var pod: String?
    /// Why it could not be asked; such a replica is unknown, and nothing destructive runs.
    public var error: String?
    /// Its shard (`system.clusters.shard_num`); listed replicas are one shard's.
    public var shard: Int

    public init(url: String, client: ClickHouseClient, pod: String? = nil, error: String? = nil, shard: Int = 1) {
        self.url = url
        self.client = client
        self.pod = pod
        self.error = error
        self.shard = shard
    }

    /// The pod's name, else the host lfmaint reaches it at.
    public var label: String { pod ?? URLComponents(string: url)?.host ?? url }
}

/// The replicas one run found: one server (today's single-node case) or every replica of the cluster.
public struct ReplicaSet: Sendable {
    public var replicas: [ClickHouseReplica]
    /// The one server behind `clickhouse.url`: volumes keep their configured names.
    public var isSingle: Bool

    public init(replicas: [ClickHouseReplica], isSingle: Bool) {
        self.replicas = replicas
        self.isSingle = isSingle
    }

    /// The replica whose ClickHouse holds the cleanup lock: the first the cluster lists, whichever replica a run reached.
    public var lockHolder: ClickHouseReplica? { replicas.first }
    /// Why the servers could not all be asked (a search that failed, replicas that did not answer).
    public var failure: String? { unknown.isEmpty ? nil : unknown.compactMap(\.error).joined(separator: "; ") }
    public var unknown: [ClickHouseReplica] { replicas.filter { $0.error != nil } }

    public func replica(url: String) -> ClickHouseReplica? { replicas.first { $0.url == url } }
}

/// Finds the ClickHouse replicas (`ClickHouseReplicaSource`) and asks each who it is. Clients are kept
/// across runs, so connections are reused by the agent and by the cleanup's repeated samples.
public final class ClickHouseReplicas: Sendable {
    public let primary: ClickHouseClient
    private let clients = Mutex<[String: ClickHouseClient]>([:])
    static let maximumReplicas = 64
    /// A source stalling on one question makes that replica (or the discovery) unknown after this long.
    public static let answerSeconds = 10.0

    public init(primary: ClickHouseClient) {
        self.primary = primary
    }

    /// `seconds`: the most the whole search may take (each question gets at most `answerSeconds`). A
    /// search that fails leaves the one server behind the URL, unknown: its volumes keep their names.
    public func resolve(within seconds: Double = answerSeconds) async -> ReplicaSet {
        let settings = primary.settings
        let answer = min(seconds, Self.answerSeconds)
        let urls: [(url: String, shard: Int)]
        switch settings.replicaSource {
        case .single:
            return ReplicaSet(replicas: [ClickHouseReplica(url: settings.url, client: primary)], isSingle: true)
        case .listed(let listed):
            urls = listed.map { ($0, 1) }
        case .discover:
            do {
                urls = try await withDeadline(seconds: answer) { try await self.discover() }
            } catch {
                let why = error is DeadlineExceeded ? "no answer within \(answer.formatted()) s" : String(describing: error)
                let reason = "the cluster's replicas could not be listed from system.clusters on \(self.primary.host): \(why)"
                return ReplicaSet(replicas: [ClickHouseReplica(url: settings.url, client: primary, error: reason)], isSingle: true)
            }
            // A cluster of one (chart v2 with one replica) or none is the server behind the URL.
            if urls.count <= 1 { return ReplicaSet(replicas: [ClickHouseReplica(url: settings.url, client: primary)], isSingle: true) }
        }
        let replicas = await withTaskGroup(of: (Int, ClickHouseReplica).self) { group in
            for (index, host) in urls.enumerated() {
                let client = client(for: host.url)
                group.addTask { (index, await Self.identify(ClickHouseReplica(url: host.url, client: client, shard: host.shard), within: answer)) }
            }
            return await group.reduce(into: [(Int, ClickHouseReplica)]()) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return ReplicaSet(replicas: Self.refusingRepeats(replicas), isSingle: false)
    }

    /// Two URLs that reach the same server (a Service beside its pods) would count its disk twice and
    /// hide the other: both are unknown until the list names each server once.
    public static func refusingRepeats(_ replicas: [ClickHouseReplica]) -> [ClickHouseReplica] {
        let counts = Dictionary(grouping: replicas.compactMap(\.pod), by: { $0 }).mapValues(\.count)
        return replicas.map { replica in
            var replica = replica
            if let pod = replica.pod, counts[pod, default: 0] > 1 {
                replica.error = "\(counts[pod]!) of the replica URLs reach the same server (host name \(pod)): list each replica once"
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
    private func discover() async throws -> [(url: String, shard: Int)] {
        struct Host: Decodable {
            let host_name: String
            let shard_num: Int64
        }
        let hosts = try await primary.read("""
            SELECT host_name, toInt64(shard_num) AS shard_num FROM system.clusters WHERE cluster = {cluster:String}
            ORDER BY shard_num, replica_num
            """,
            parameters: ["cluster": primary.settings.clusterName], as: Host.self)
        guard hosts.count <= Self.maximumReplicas else {
            throw ClickHouseError.unexpectedResponse(host: primary.host, detail: "\(hosts.count) hosts in cluster \(primary.settings.clusterName); "
                + "lfmaint watches at most \(Self.maximumReplicas): list them in clickhouse.replicas", statement: "system.clusters")
        }
        var urls: [(url: String, shard: Int)] = []
        for host in hosts {
            guard Self.isHostName(host.host_name), (1...Int64(Int32.max)).contains(host.shard_num),
                  var components = URLComponents(string: primary.settings.url) else {
                throw ClickHouseError.unexpectedResponse(host: primary.host, detail: "system.clusters lists a host \"\(host.host_name.prefix(80))\" "
                    + "(shard \(host.shard_num)) that is not a host name or not a shard", statement: "system.clusters")
            }
            components.host = host.host_name
            if let url = components.string, !urls.contains(where: { $0.url == url }) { urls.append((url, Int(host.shard_num))) }
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
