import LFMaintEdges
import LFMaintSupport

/// lfmaint's whole configuration, after the YAML file, the environment and defaults are merged and
/// validated. Every later stage reads these plain values; none reads the environment itself.
public struct Configuration: Sendable, Equatable {
    /// The `ClusterName` dimension of the CloudWatch metrics and the `cluster` label in Prometheus.
    public var clusterName = "langfuse"
    /// The Kubernetes namespace Langfuse runs in; the default for volumes that name none.
    var namespace = "langfuse"
    public var clickhouse = ClickHouseSettings()
    var postgres: PostgresSettings?
    var redis: RedisSettings?
    var cloudwatch = CloudWatchSettings()
    /// Langfuse's event bucket, for `s3 plan|apply`.
    public var s3 = EventBucketSettings()
    public var publish: [PublishTarget] = []
    public var pushgatewayURL: String?
    var kubelet = KubeletSettings()
    var retention = RetentionSettings()
    public var cleanup = CleanupSettings()
    public var agent = AgentSettings()
    public var grow = GrowSettings()
    public var volumes: [VolumeSettings] = []
    /// `langfuse.chart` and `langfuse.release`; unset, both are read off the ClickHouse URL.
    var chart: LangfuseDeployment.Chart?
    var release: String?

    /// The installation the default volume names follow.
    var deployment: LangfuseDeployment {
        let inferred = LangfuseDeployment.inferred(fromClickHouseURL: clickhouse.url)
        return LangfuseDeployment(chart: chart ?? inferred.chart, release: release ?? inferred.release)
    }

    init() {}
}

/// One of `Publishers.all`, each in a file of its own (`Publish/`).
public struct PublishTarget: Hashable, Sendable, CaseIterable, RawRepresentable, CustomStringConvertible {
    let kind: any Publisher.Type
    public var rawValue: String { kind.name }
    public var description: String { rawValue }
    public static var allCases: [PublishTarget] { Publishers.all.map(PublishTarget.init) }

    init(_ kind: any Publisher.Type) { self.kind = kind }

    public init?(rawValue: String) {
        guard let kind = Publishers.all.first(where: { $0.name == rawValue }) else { return nil }
        self.kind = kind
    }

    /// `key`: where the name came from (`publish[0]`, `--publish`).
    public init(name: String, key: String) throws {
        guard let target = Self(rawValue: name) else {
            throw ConfigError(key: key, "unknown target \"\(name)\" (known: \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = target
    }

    public static func == (left: PublishTarget, right: PublishTarget) -> Bool { left.rawValue == right.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

