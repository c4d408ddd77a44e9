import LFMaintSupport
import LFMaintEdges

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

struct PostgresSettings: Sendable, Equatable {
    /// A `postgres://` URL that may hold a password: print `printableURL`, never this.
    var url: Secret
    var printableURL: String { Redaction.url(url.reveal()) }

    init(url: Secret) {
        self.url = url
    }
}

struct CloudWatchSettings: Sendable, Equatable {
    var namespace = "LangfusePVC"
    var region: String?
    var endpoint: String?
    var accessKeyID: String?
    var secretAccessKey: Secret?
    var sessionToken: Secret?
    /// IRSA: the role to assume with the service account's token.
    var roleARN: String?
    var webIdentityTokenFile: String?
    var roleSessionName: String?
    var stsEndpoint: String?
    /// EKS Pod Identity / ECS: the credentials endpoint and its authorisation token.
    var containerCredentialsURL: String?
    var containerAuthorizationTokenFile: String?
    var containerAuthorizationToken: Secret?
}

public enum PublishTarget: String, Sendable, Equatable, CaseIterable {
    case cloudwatch, pushgateway
}

struct RetentionSettings: Sendable, Equatable {
    var appDays = 30
    var systemLogDays = 10
    var tables: [TableRetention] = []
}

/// A per-table override of the built-in retention policy.
struct TableRetention: Sendable, Equatable {
    /// nil: the configured ClickHouse database (`clickhouse.database`, `CLICKHOUSE_DB`).
    var database: SQLIdentifier?
    var table: SQLIdentifier
    var column: SQLIdentifier?
    var days: Int

    init(database: SQLIdentifier? = nil, table: SQLIdentifier, column: SQLIdentifier?, days: Int) {
        self.database = database
        self.table = table
        self.column = column
        self.days = days
    }

    func qualified(defaultDatabase: SQLIdentifier) -> QualifiedTableName {
        QualifiedTableName(database: database ?? defaultDatabase, table: table)
    }
}

public struct CleanupSettings: Sendable, Equatable {
    public var thresholdPercent = 90
    /// Defaults to ten points under the threshold.
    public var targetPercent: Int?
    public var floorDays = 7
    public var maxDropGB: Double?
    public var statementTimeoutSeconds = 1800.0
    public var waitMutations = false
    public var allowLargeDrops = false

    var effectiveTargetPercent: Int { targetPercent ?? max(thresholdPercent - 10, 1) }

    /// A volume's own `threshold` wins over `cleanup.threshold`.
    public func thresholdPercent(for volume: VolumeSettings) -> Int { volume.thresholdPercent ?? thresholdPercent }

    /// The target, kept under the volume's own threshold.
    public func targetPercent(for volume: VolumeSettings) -> Int { max(1, min(effectiveTargetPercent, thresholdPercent(for: volume) - 1)) }
}

public struct VolumeSettings: Sendable, Equatable {
    /// `minio`: the object store Langfuse's chart bundles (MinIO in chart v1, SeaweedFS in chart v2), measured by the
    /// kubelet or statfs; its PVC defaults to the chart's.
    public enum Component: String, Sendable, CaseIterable { case clickhouse, postgres, redis, minio }
    /// One of `VolumeSources.all`, each in a file of its own (`Sample/`).
    public struct Source: Hashable, Sendable, CaseIterable, RawRepresentable, CustomStringConvertible {
        let kind: any VolumeSource.Type
        public var rawValue: String { kind.name }
        public var description: String { rawValue }
        public static var allCases: [Source] { VolumeSources.all.map(Source.init) }

        init(_ kind: any VolumeSource.Type) { self.kind = kind }

        public init?(rawValue: String) {
            guard let kind = VolumeSources.all.first(where: { $0.name == rawValue }) else { return nil }
            self.kind = kind
        }

        public static func == (left: Source, right: Source) -> Bool { left.rawValue == right.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }

    public var name: String
    public var component: Component
    public var source: Source
    /// statfs: the mounted path to measure.
    var path: String?
    /// clickhouse: the disk in `system.disks` (default `default`).
    var disk: String?
    public var pvc: String?
    var pod: String?
    var namespace: String?
    public var thresholdPercent: Int?
    /// A ClickHouse replica's URL when the volume is that replica's (`ReplicaVolumes`); nil: the configured server.
    var replica: String?
    /// The configured volume a replica's volume was made from (`ReplicaVolumes`).
    public var replicaOf: String?

    init(name: String, component: Component, source: Source, path: String? = nil, disk: String? = nil,
                pvc: String? = nil, pod: String? = nil, namespace: String? = nil, thresholdPercent: Int? = nil) {
        self.name = name
        self.component = component
        self.source = source
        self.path = path
        self.disk = disk
        self.pvc = pvc
        self.pod = pod
        self.namespace = namespace
        self.thresholdPercent = thresholdPercent
    }
}

/// How the kubelet source reaches each node's Summary API.
struct KubeletSettings: Sendable, Equatable {
    enum Route: String, Sendable, CaseIterable {
        /// `GET /api/v1/nodes/{node}/proxy/stats/summary` through the API server: needs `nodes/proxy`.
        case proxy
        /// `GET https://{nodeIP}:{port}/stats/summary` on each kubelet: needs only `nodes/stats`.
        case direct
    }

    var route = Route.proxy
    /// Default: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`.
    var apiServer: String?
    var tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    var caFile: String? = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
    var kubeletPort = 10250
    var timeoutSeconds = 10.0
    var concurrency = 8

    init() {}
}

extension ClickHouseReplicaSource {
    init(word: String, key: String) throws {
        switch word {
        case "discover": self = .discover
        case "single": self = .single
        default: throw ConfigError(key: key, "expected discover, single or a list of URLs, got \"\(word)\"")
        }
    }
}
