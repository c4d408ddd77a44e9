import LFMaint
import Testing

@Suite("Which volumes are sampled")
struct SampleTargetsTests {
    @Test func withoutVolumesEachConfiguredComponentGetsTheHelmChartsNames() throws {
        let config = try ConfigurationLoader.load(yaml: "", environment: ["DATABASE_URL": "postgresql://u:p@db/langfuse", "REDIS_HOST": "redis"])
        let volumes = try SampleTargets.volumes(config: config)
        #expect(volumes.map(\.name) == ["clickhouse", "postgres", "redis"])
        #expect(volumes.map(\.pvc) == ["data-langfuse-clickhouse-shard0-0", "data-langfuse-postgresql-0", "redis-data-langfuse-redis-primary-0"])
        #expect(volumes.map(\.pod) == ["langfuse-clickhouse-shard0-0", "langfuse-postgresql-0", "langfuse-redis-primary-0"])
        #expect(volumes.allSatisfy { $0.namespace == "langfuse" })
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
