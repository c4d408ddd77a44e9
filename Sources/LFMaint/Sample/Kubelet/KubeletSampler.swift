import Foundation
import LFMaintEdges

/// Volume stats from the kubelet's Summary API, found by PVC. One Summary per node covers every PVC
/// mounted there, so each node is asked once, a few nodes at a time; a node that fails or times out
/// makes only its own PVCs unknown.
struct KubeletSampler: VolumeSource {
    static let name = "kubelet"
    static let measuresAnyVolume = true
    static let measuresFileSystem = true

    let settings: KubeletSettings
    let defaultNamespace: String
    let http: HTTPClient

    /// `http`: a client kept across runs (the agent's), else one for this sampler.
    init(settings: KubeletSettings, defaultNamespace: String, http: HTTPClient? = nil) {
        self.settings = settings
        self.defaultNamespace = defaultNamespace
        self.http = http ?? KubeAPI.client(settings)
    }

    init(_ context: SamplingContext) {
        self.init(settings: context.config.kubelet, defaultNamespace: context.config.namespace, http: context.kubernetes)
    }

    /// A MinIO volume's PVC defaults to the chart's (`SampleTargets`); every other volume names its own.
    static func missing(in volume: VolumeSettings, key: String) -> ConfigError? {
        volume.pvc == nil && volume.component != .minio ? ConfigError(key: "\(key).pvc", "is required for source kubelet") : nil
    }

    struct Node: Sendable {
        let name: String
        let address: String?
    }

    func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        let api: KubeAPI
        let nodes: [Node]
        let podNodes: [String: String]
        do {
            api = try KubeAPI(settings: settings, http: http)
            nodes = try await listNodes(api)
            podNodes = try await nodesOfPods(api, volumes)
        } catch {
            return volumes.map { .unknown($0, String(describing: error)) }
        }
        // Only the nodes the PVCs' pods run on, unless a pod is unknown: then every node.
        let wanted = volumes.allSatisfy { podNodes[podKey($0)] != nil } ? Set(volumes.compactMap { podNodes[podKey($0)] }) : Set(nodes.map(\.name))
        let summaries = NodeSummaries(await fetchSummaries(api, nodes.filter { wanted.contains($0.name) }))
        return volumes.map { sample($0, summaries: summaries, podNode: podNodes[podKey($0)]) }
    }

    func sample(_ volume: VolumeSettings, summaries: NodeSummaries, podNode: String?) -> VolumeSample {
        let key = "\(volume.namespace ?? defaultNamespace)/\(volume.pvc ?? volume.name)"
        if let podNode, let error = summaries.failures[podNode] {
            return .unknown(volume, "node \(podNode): \(error)")
        }
        guard let stats = Self.mount(of: volume, among: summaries.mounts[key] ?? []) else {
            let failed = summaries.failed
            return .unknown(volume, "PVC \(key) is in no node's Summary" + (failed.isEmpty ? "" : " (nodes that did not answer: \(failed.joined(separator: ", ")))"))
        }
        guard let capacity = stats.capacityBytes, let available = stats.availableBytes else {
            return .unknown(volume, "the kubelet reports no capacityBytes/availableBytes for PVC \(key)")
        }
        return .checked(volume, source: "the kubelet's Summary for PVC \(key)", used: stats.usedBytes, total: capacity, available: available,
                        inodesUsed: stats.inodesUsed, inodesTotal: stats.inodes)
    }

    /// The configured pod's own entry; otherwise the fullest one, so that a stale or odd duplicate
    /// never hides a filling volume.
    static func mount(of volume: VolumeSettings, among mounts: [KubeletSummary.Mount]) -> KubeletSummary.Volume? {
        if let pod = volume.pod, let own = mounts.first(where: { $0.pod == pod }) { return own.volume }
        return mounts.max { fullness($0.volume) < fullness($1.volume) }?.volume
    }

    private static func fullness(_ stats: KubeletSummary.Volume) -> Double {
        guard let capacity = stats.capacityBytes, capacity > 0, let available = stats.availableBytes else { return -1 }
        return 1 - Double(available) / Double(capacity)
    }

    private func podKey(_ volume: VolumeSettings) -> String {
        "\(volume.namespace ?? defaultNamespace)/\(volume.pod ?? "")"
    }

    private func listNodes(_ api: KubeAPI) async throws -> [Node] {
        let list = try await api.get("\(api.apiServer)/api/v1/nodes", as: KubeNodeList.self)
        return (list.items ?? []).compactMap { item in item.metadata?.name.map { Node(name: $0, address: item.internalIP) } }
    }

    /// `namespace/pod` → node, for the namespaces of volumes that name a pod.
    private func nodesOfPods(_ api: KubeAPI, _ volumes: [VolumeSettings]) async throws -> [String: String] {
        var result: [String: String] = [:]
        for namespace in Set(volumes.filter { $0.pod != nil }.map { $0.namespace ?? defaultNamespace }).sorted() {
            let list = try await api.get("\(api.apiServer)/api/v1/namespaces/\(namespace)/pods", as: KubePodList.self)
            for item in list.items ?? [] {
                if let name = item.metadata?.name, let node = item.spec?.nodeName { result["\(namespace)/\(name)"] = node }
            }
        }
        return result
    }

    private func fetchSummaries(_ api: KubeAPI, _ nodes: [Node]) async -> [String: NodeSummaries.Answer] {
        await withTaskGroup(of: (String, NodeSummaries.Answer).self) { group in
            var results: [String: NodeSummaries.Answer] = [:]
            var pending = nodes[...]
            func start(_ node: Node) {
                group.addTask {
                    do {
                        return (node.name, .success(try await api.get(summaryURL(api, node), read: KubeletSummary.volumesByPVC(json:))))
                    } catch {
                        return (node.name, .failure(error))
                    }
                }
            }
            for _ in 0..<settings.concurrency { if let node = pending.popFirst() { start(node) } }
            for await (name, result) in group {
                results[name] = result
                if let node = pending.popFirst() { start(node) }
            }
            return results
        }
    }

    private func summaryURL(_ api: KubeAPI, _ node: Node) -> String {
        switch settings.route {
        case .proxy: "\(api.apiServer)/api/v1/nodes/\(node.name)/proxy/stats/summary"
        case .direct: "https://\(node.address ?? node.name):\(settings.kubeletPort)/stats/summary"
        }
    }
}

extension VolumeSettings.Source {
    static var kubelet: Self { Self(KubeletSampler.self) }
}
