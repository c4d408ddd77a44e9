/// Which volumes to sample: the configured ones, else one per configured component with the names
/// Langfuse's Helm chart gives them; plus any `--statfs NAME=PATH`.
public enum SampleTargets {
    public static func volumes(config: Configuration, statfs: [String] = []) throws -> [VolumeSettings] {
        var volumes = config.volumes
        if volumes.isEmpty {
            volumes.append(VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse,
                                          pvc: "data-langfuse-clickhouse-shard0-0", pod: "langfuse-clickhouse-shard0-0"))
            if config.postgres != nil {
                volumes.append(VolumeSettings(name: "postgres", component: .postgres, source: .postgres,
                                              pvc: "data-langfuse-postgresql-0", pod: "langfuse-postgresql-0"))
            }
            if config.redis != nil {
                volumes.append(VolumeSettings(name: "redis", component: .redis, source: .redis,
                                              pvc: "redis-data-langfuse-redis-primary-0", pod: "langfuse-redis-primary-0"))
            }
        }
        for flag in statfs {
            let parts = flag.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("/") else {
                throw ConfigError(key: "--statfs", "expected NAME=/absolute/path, got \"\(flag)\"")
            }
            guard !volumes.contains(where: { $0.name == parts[0] }) else {
                throw ConfigError(key: "--statfs", "a volume named \"\(parts[0])\" exists already")
            }
            let component = VolumeSettings.Component.allCases.first { parts[0].hasPrefix($0.rawValue) } ?? .clickhouse
            volumes.append(VolumeSettings(name: parts[0], component: component, source: .statfs, path: parts[1]))
        }
        return volumes.map { volume in
            var volume = volume
            volume.namespace = volume.namespace ?? config.namespace
            return volume
        }
    }
}
