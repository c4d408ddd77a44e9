import Foundation

/// How Langfuse was installed, which decides the names its volumes and pods have: Helm chart v1
/// (bitnami subcharts), chart v2 (the ClickHouse operator) or the single-node docker compose file.
/// The names label the default volumes (`PVCName`, `PodName`), so they match what `kubectl get pvc` shows.
struct LangfuseDeployment: Sendable, Equatable {
    enum Chart: String, Sendable, CaseIterable {
        case v1, v2, compose
    }

    var chart: Chart
    /// The Helm release name every chart name starts with (`helm install <release> langfuse/langfuse`).
    var release: String

    static let defaultRelease = "langfuse"

    init(chart: Chart, release: String = LangfuseDeployment.defaultRelease) {
        self.chart = chart
        self.release = release
    }

    /// Helm's rule for release names: a DNS label of at most 53 characters.
    static func isReleaseName(_ name: String) -> Bool {
        let allowed = name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return (1...53).contains(name.count) && allowed && name.first != "-" && name.last != "-"
    }

    /// Read off the ClickHouse URL each chart gives Langfuse: `<release>-clickhouse-headless` is chart v2,
    /// `<release>-clickhouse` chart v1, `localhost` or `clickhouse` docker compose; anything else chart v1.
    static func inferred(fromClickHouseURL url: String) -> LangfuseDeployment {
        let host = URLComponents(string: url)?.host?.lowercased() ?? ""
        if host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "clickhouse" {
            return LangfuseDeployment(chart: .compose)
        }
        let service = String(host.prefix { $0 != "." })
        for (suffix, chart) in [("-clickhouse-headless", Chart.v2), ("-clickhouse", Chart.v1)] where service.hasSuffix(suffix) {
            let release = String(service.dropLast(suffix.count))
            if isReleaseName(release) { return LangfuseDeployment(chart: chart, release: release) }
        }
        return LangfuseDeployment(chart: .v1)
    }

    /// The ClickHouse PVC of a replica's pod: the StatefulSet's claim template name before the pod's.
    func clickhouseClaim(pod: String) -> String? {
        switch chart {
        case .v1: "data-\(pod)"
        case .v2: "clickhouse-storage-volume-\(pod)"
        case .compose: nil
        }
    }

    /// The first replica's volume of each component: (PVC, pod). Compose has docker volumes and
    /// services, and Redis keeps no volume there. The bundled object store runs as a Deployment, whose
    /// pods' names are made anew: nil.
    func names(of component: VolumeSettings.Component) -> (pvc: String?, pod: String?) {
        let r = release
        switch (chart, component) {
        case (.v1, .clickhouse): return (clickhouseClaim(pod: "\(r)-clickhouse-shard0-0"), "\(r)-clickhouse-shard0-0")
        case (.v1, .postgres): return ("data-\(r)-postgresql-0", "\(r)-postgresql-0")
        case (.v1, .redis): return ("valkey-data-\(r)-redis-primary-0", "\(r)-redis-primary-0")
        case (.v2, .clickhouse): return (clickhouseClaim(pod: "\(r)-clickhouse-0-0-0"), "\(r)-clickhouse-0-0-0")
        case (.v2, .postgres): return ("postgres-data-\(r)-postgresql-0", "\(r)-postgresql-0")
        case (.v2, .redis): return ("\(r)-redis", "\(r)-redis")
        case (.compose, .clickhouse): return ("langfuse_clickhouse_data", "clickhouse")
        case (.compose, .postgres): return ("langfuse_postgres_data", "postgres")
        case (.compose, .redis): return (nil, "redis")
        case (.v1, .minio): return ("\(r)-s3", nil)
        case (.v2, .minio): return ("\(r)-s3-all-in-one-data", nil)
        case (.compose, .minio): return ("langfuse_minio_data", "minio")
        }
    }
}
