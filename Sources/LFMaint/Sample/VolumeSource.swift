import LFMaintEdges
import LFMaintSupport

/// A way to measure volumes, named by `volumes[].source`. A source is one file (its sampler, what it
/// asks of a volume's settings, what it needs configured) and one line in `VolumeSources.all`.
protocol VolumeSource: VolumeSampler {
    /// The word in `volumes[].source`.
    static var name: String { get }
    /// Reads any volume's file system (a MinIO volume's too), not only its own database's.
    static var measuresAnyVolume: Bool { get }
    /// Measures the file system on the volume's PVC, where a resize shows: only such volumes are grown.
    static var measuresFileSystem: Bool { get }
    /// What to set when `init(_:)` finds the source unconfigured.
    static var setting: String { get }
    /// What this source needs of a volume's settings and did not get, checked when the config is read.
    static func missing(in volume: VolumeSettings, key: String) -> ConfigError?
    /// The sampler for a workflow's runs; nil when what the source needs is not configured.
    init?(_ context: SamplingContext)
}

extension VolumeSource {
    static var setting: String { "its settings" }
    static func missing(in volume: VolumeSettings, key: String) -> ConfigError? { nil }
}

/// What a source may measure with: the configuration and the clients a workflow keeps across its runs.
struct SamplingContext: Sendable {
    let config: Configuration
    let clickhouse: ClickHouseClient
    let replicas: ClickHouseReplicas
    let kubernetes: HTTPClient
}

enum VolumeSources: Registry {
    /// In the order `lfmaint` names them in its messages.
    static let all: [any VolumeSource.Type] = [
        ClickHouseDiskSampler.self,
        KubeletSampler.self,
        StatfsSampler.self,
        PostgresSampler.self,
        RedisSampler.self,
    ]

    static func name(of kind: any VolumeSource.Type) -> String { kind.name }
}

extension VolumeSettings.Source {
    var measuresAnyVolume: Bool { kind.measuresAnyVolume }
    var measuresFileSystem: Bool { kind.measuresFileSystem }

    func missing(in volume: VolumeSettings, key: String) -> ConfigError? { kind.missing(in: volume, key: key) }

    /// The sampler, nil when what the source needs is not configured (`unconfigured` says what to set).
    func sampler(in context: SamplingContext) -> (any VolumeSampler)? { kind.init(context) }
    var unconfigured: String { "source \(rawValue) is not configured (set \(kind.setting))" }
}
