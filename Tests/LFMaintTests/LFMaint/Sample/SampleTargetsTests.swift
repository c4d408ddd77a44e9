@testable import LFMaint
import Testing

@Suite("Which volumes are sampled")
struct SampleTargetsTests {
    func defaultVolumes(_ environment: [String: String], yaml: String = "") throws -> [VolumeSettings] {
        let base = ["DATABASE_URL": "postgresql://u:p@db/langfuse", "REDIS_HOST": "redis"]
        return try SampleTargets.volumes(config: ConfigurationLoader.load(yaml: yaml, environment: base.merging(environment) { $1 }))
    }

    @Test func helmChartV1sURLGivesChartV1sNames() throws {
        let volumes = try defaultVolumes(["CLICKHOUSE_URL": "http://langfuse-clickhouse:8123"])
        #expect(volumes.map(\.name) == ["clickhouse", "postgres", "redis"])
        #expect(volumes.map(\.pvc) == ["data-langfuse-clickhouse-shard0-0", "data-langfuse-postgresql-0", "valkey-data-langfuse-redis-primary-0"])
        #expect(volumes.map(\.pod) == ["langfuse-clickhouse-shard0-0", "langfuse-postgresql-0", "langfuse-redis-primary-0"])
        #expect(volumes.allSatisfy { $0.namespace == "langfuse" })
    }

    @Test func helmChartV2sHeadlessURLGivesChartV2sNamesWithTheRelease() throws {
        let volumes = try defaultVolumes(["CLICKHOUSE_URL": "http://obs-clickhouse-headless.obs.svc:8123"])
        #expect(volumes.map(\.pvc) == ["clickhouse-storage-volume-obs-clickhouse-0-0-0", "postgres-data-obs-postgresql-0", "obs-redis"])
        #expect(volumes.map(\.pod) == ["obs-clickhouse-0-0-0", "obs-postgresql-0", "obs-redis"])
    }

    @Test func theChartKeyWinsOverTheURL() throws {
        let volumes = try defaultVolumes(["CLICKHOUSE_URL": "http://10.0.0.7:8123"], yaml: "langfuse: {chart: v2, release: lf}")
        #expect(volumes[0].pvc == "clickhouse-storage-volume-lf-clickhouse-0-0-0")
        let compose = try defaultVolumes(["CLICKHOUSE_URL": "http://clickhouse:8123"])
        #expect(compose.map(\.pvc) == ["langfuse_clickhouse_data", "langfuse_postgres_data", nil])
    }

    @Test(arguments: ["langfuse: {chart: v3}", "langfuse: {release: Bad_Name}", "langfuse: {chart: v1, extra: 1}"])
    func aBadDeploymentKeyIsRefused(yaml: String) {
        #expect(throws: ConfigError.self) { try ConfigurationLoader.load(yaml: yaml) }
    }

    @Test func statfsFlagsAddVolumes() throws {
        let volumes = try SampleTargets.volumes(config: Configuration(), statfs: ["postgres-data=/var/lib/postgresql", "ch=/var/lib/clickhouse"])
        #expect(volumes.suffix(2).map(\.component) == [.postgres, .clickhouse])
        #expect(volumes.suffix(2).map(\.path) == ["/var/lib/postgresql", "/var/lib/clickhouse"])
    }

    @Test(arguments: ["noequals", "=/x", "name=relative/path", "clickhouse=/dup"])
    func badStatfsFlagsAreRefused(flag: String) {
        #expect(throws: ConfigError.self) { try SampleTargets.volumes(config: Configuration(), statfs: [flag]) }
    }
}
