import LFMaintSupport

public struct ClickHouseSettings: Sendable, Equatable {
    public var url = "http://localhost:8123"
    public var user = "default"
    public var password = Secret("")
    public var database = "default"
    /// Langfuse's own default is `true` when `CLICKHOUSE_CLUSTER_ENABLED` is unset; so is ours.
    public var clusterEnabled = true
    public var clusterName = "default"
    public var caFile: String?
    public var timeoutSeconds = 30.0
    /// nil: every replica of the cluster in cluster mode, the one server behind `url` otherwise.
    public var replicas: ClickHouseReplicaSource?

    /// The replicas lfmaint measures and protects, each a volume of its own.
    public var replicaSource: ClickHouseReplicaSource { replicas ?? (clusterEnabled ? .discover : .single) }

    public init() {}
}

/// Where lfmaint finds the ClickHouse servers whose disks hold Langfuse's data.
public enum ClickHouseReplicaSource: Sendable, Equatable {
    /// The one server behind `clickhouse.url`.
    case single
    /// Every host `system.clusters` lists for `clickhouse.cluster.name`, each reached at its own host name
    /// with `clickhouse.url`'s scheme and port; a cluster of one (or none) is the server behind the URL.
    case discover
    /// These URLs, in this order.
    case listed([String])
}
