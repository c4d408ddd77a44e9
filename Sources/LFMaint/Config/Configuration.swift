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
    var publish: [PublishTarget] = []
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

    /// `sample --publish`: each target the configuration does not name yet; `key` names the flag in errors.
    public mutating func addPublishTargets(named names: [String], key: String) throws {
        for name in names {
            let target = try PublishTarget(name: name, key: key)
            if !publish.contains(target) { publish.append(target) }
        }
    }

    /// Where the agent pushes its own metrics: the Pushgateway, when `publish:` names it.
    public var pushgatewayToPublishTo: String? { publish.contains(.pushgateway) ? pushgatewayURL : nil }

    /// `sample --push-gateway`: pushes there, whatever `publish:` says.
    public mutating func pushToGateway(_ url: String) {
        pushgatewayURL = url
        if !publish.contains(.pushgateway) { publish.append(.pushgateway) }
    }
}

/// One of `Publishers.all`, each in a file of its own (`Publish/`).
typealias PublishTarget = Registered<Publishers>

extension PublishTarget {
    /// `key`: where the name came from (`publish[0]`, `--publish`).
    init(name: String, key: String) throws {
        guard let target = Self(rawValue: name) else {
            throw ConfigError(key: key, "unknown target \"\(name)\" (known: \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = target
    }
}
