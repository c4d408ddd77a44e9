/// Which volumes to sample: the configured ones, else one per configured component with the names
/// Langfuse's installation gives them (`LangfuseDeployment`); plus any `--statfs NAME=PATH`.
public enum SampleTargets {
    public static func volumes(config: Configuration, statfs: [String] = []) throws -> [VolumeSettings] {
        var volumes = config.volumes
        if volumes.isEmpty {
            let components: [VolumeSettings.Component] = [.clickhouse] + (config.postgres == nil ? [] : [.postgres])
                + (config.redis == nil ? [] : [.redis])
            volumes = components.map { component in
                let names = config.deployment.names(of: component)
                return VolumeSettings(name: component.rawValue, component: component, source: VolumeSettings.Source(rawValue: component.rawValue)!,
                                      pvc: names.pvc, pod: names.pod)
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
            if volume.component == .minio, volume.source == .kubelet, volume.pvc == nil {
                volume.pvc = config.deployment.names(of: .minio).pvc
            }
            return volume
        }
    }
}
