import Foundation
import LFMaintEdges
import LFMaintSupport

/// What one sampling run found.
public struct SampleRun: Sendable {
    public var samples: [VolumeSample]
    /// Whether each source that was asked answered for all its volumes (`lfmaint_source_up`).
    var sourceUp: [String: Bool]
    public var durationSeconds: Double
    /// The ClickHouse servers this run measured (one, or every replica of the cluster).
    var replicas: ReplicaSet?

    public var allKnown: Bool { samples.allSatisfy { $0.status == .ok } }

    init(samples: [VolumeSample], sourceUp: [String: Bool], durationSeconds: Double, replicas: ReplicaSet? = nil) {
        self.samples = samples
        self.sourceUp = sourceUp
        self.durationSeconds = durationSeconds
        self.replicas = replicas
    }
}

/// Samples every volume, each source once and all sources at the same time, then attaches what
/// fills each component's volume.
public struct SampleWorkflow: Sendable {
    let config: Configuration
    let volumes: [VolumeSettings]
    let topLimit: Int
    /// A source that has not answered by then (a stalled or dripping server) makes its volumes unknown.
    var sourceDeadlineSeconds = 30.0

    /// One ClickHouse client and one Kubernetes client for every run of this workflow: connections (and
    /// ClickHouse's `SELECT version()`) are reused when a caller samples again and again (the agent
    /// every cycle, the cleanup after each step).
    let clickhouse: ClickHouseClient
    let replicas: ClickHouseReplicas
    public let kubernetes: HTTPClient

    public init(config: Configuration, volumes: [VolumeSettings], topLimit: Int = 10, clickhouse: ClickHouseClient? = nil) {
        self.config = config
        self.volumes = volumes
        self.topLimit = topLimit
        self.clickhouse = clickhouse ?? ClickHouseClient(settings: config.clickhouse)
        replicas = ClickHouseReplicas(primary: self.clickhouse)
        kubernetes = KubeAPI.client(config.kubelet)
    }

    var context: SamplingContext { SamplingContext(config: config, clickhouse: clickhouse, replicas: replicas, kubernetes: kubernetes) }

    /// What fills a volume is asked once per component, and on several replicas of each replica.
    struct DetailKey: Hashable {
        let component: VolumeSettings.Component
        let replica: String?

        init(_ volume: VolumeSettings) {
            component = volume.component
            replica = volume.component == .clickhouse ? volume.replica : nil
        }
    }

    func detail(for key: DetailKey) -> (any UsageDetailSource)? {
        switch key.component {
        case .clickhouse: ClickHouseTopTables(client: key.replica.map(replicas.client(for:)) ?? clickhouse)
        case .postgres: PostgresSampler(context)
        case .redis: RedisSampler(context)
        case .minio: nil
        }
    }

    static func sample(_ volumes: [VolumeSettings], with sampler: any VolumeSampler, within seconds: Double) async -> [VolumeSample] {
        await withTaskGroup(of: [VolumeSample]?.self) { group in
            group.addTask { await sampler.sample(volumes) }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            let reason = Task.isCancelled ? "sampling was stopped" : "no answer within \(seconds.formatted()) s (the deadline of one sample run)"
            return first ?? volumes.map { .unknown($0, reason) }
        }
    }

    /// Why a volume measured by ClickHouse itself cannot be; nil when it can (or is measured otherwise).
    static func unreachable(_ volume: VolumeSettings, _ set: ReplicaSet?) -> String? {
        guard let set, volume.component == .clickhouse, volume.source == .clickhouse else { return nil }
        if set.isSingle { return set.failure }
        return volume.replica.flatMap { url in set.replica(url: url)?.error }
    }

    /// `replicas`: the set an earlier run found, for a caller that must measure the same servers each time
    /// (the cleanup); nil: found anew.
    public func run(replicas fixed: ReplicaSet? = nil) async -> SampleRun {
        let start = ContinuousClock.now
        let needsReplicas = self.volumes.contains { $0.component == .clickhouse && $0.source != .statfs }
        var replicaSet: ReplicaSet?
        if needsReplicas { replicaSet = if let fixed { fixed } else { await replicas.resolve(within: sourceDeadlineSeconds) } }
        let expanded = replicaSet.map { ReplicaVolumes.expand(self.volumes, $0, deployment: config.deployment) } ?? self.volumes
        // A replica that does not answer cannot say what its disk holds; when the search itself failed, no
        // server it stands for can. The kubelet still measures a replica's PVC.
        let unknown = expanded.compactMap { volume in Self.unreachable(volume, replicaSet).map { VolumeSample.unknown(volume, $0) } }
        let volumes = expanded.filter { Self.unreachable($0, replicaSet) == nil }
        let bySource = Dictionary(grouping: volumes, by: \.source)
        // Postgres and Redis volumes sampled from the database itself carry their detail already.
        let detailed = topLimit == 0 ? [] : Set(volumes.filter { $0.component == .clickhouse || $0.source.rawValue != $0.component.rawValue }.map(DetailKey.init))
        async let measured = withTaskGroup(of: [VolumeSample].self) { group in
            for (source, members) in bySource {
                group.addTask {
                    guard let sampler = source.sampler(in: context) else { return members.map { .unknown($0, source.unconfigured) } }
                    return await Self.sample(members, with: sampler, within: sourceDeadlineSeconds)
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        async let details = withTaskGroup(of: (DetailKey, [UsageItem]?).self) { group in
            for key in detailed {
                group.addTask {
                    let items = try? await withDeadline(seconds: sourceDeadlineSeconds) { try await detail(for: key)?.top(limit: topLimit) }
                    return (key, items ?? nil)
                }
            }
            return await group.reduce(into: [DetailKey: [UsageItem]]()) { $0[$1.0] = $1.1 }
        }
        let found = await measured + unknown
        let top = await details
        let order = Dictionary(expanded.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let samples = found.map { sample in
            var sample = sample
            if sample.top.isEmpty, let items = top[DetailKey(sample.volume)] { sample.top = items }
            sample.top = Array(sample.top.prefix(topLimit))
            return sample
        }.sorted { order[$0.volume.name, default: 0] < order[$1.volume.name, default: 0] }
        var sourceUp: [String: Bool] = [:]
        for sample in samples { sourceUp[sample.volume.source.rawValue, default: true] = sourceUp[sample.volume.source.rawValue, default: true] && sample.status == .ok }
        return SampleRun(samples: samples, sourceUp: sourceUp, durationSeconds: (ContinuousClock.now - start).inSeconds, replicas: replicaSet)
    }
}
