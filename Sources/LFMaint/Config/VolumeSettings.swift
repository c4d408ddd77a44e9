import LFMaintSupport

/// One entry of the `volumes` section.
public struct VolumeSettings: Sendable, Equatable {
    /// `minio`: the object store Langfuse's chart bundles (MinIO in chart v1, SeaweedFS in chart v2), measured by the
    /// kubelet or statfs; its PVC defaults to the chart's.
    public enum Component: String, Sendable, CaseIterable { case clickhouse, postgres, redis, minio }
    /// One of `VolumeSources.all`, each in a file of its own (`Sample/`).
    typealias Source = Registered<VolumeSources>

    public var name: String
    public var component: Component
    var source: Source
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
    /// Its source measures the file system on its PVC, where a resize shows: only such volumes are grown.
    public var measuresFileSystem: Bool { source.measuresFileSystem }

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

    static func read(_ section: inout YAMLSection) throws -> VolumeSettings {
        guard let name = try section.string("name") else { throw ConfigError(key: section.keyPath("name"), "is required") }
        let component = try YAMLSection.enumValue(VolumeSettings.Component.self, try section.string("component"), key: section.keyPath("component"))
        let source = try YAMLSection.enumValue(VolumeSettings.Source.self, try section.string("source"), key: section.keyPath("source"))
        var volume = VolumeSettings(name: name, component: component, source: source)
        volume.path = try section.string("path")
        volume.disk = try section.string("disk")
        volume.pvc = try section.string("pvc")
        volume.pod = try section.string("pod")
        volume.namespace = try section.string("namespace")
        volume.thresholdPercent = try section.int("threshold")
        try section.finish()
        return volume
    }

    static func validate(_ volumes: [VolumeSettings]) throws {
        var seen: Set<String> = []
        for (index, volume) in volumes.enumerated() {
            let key = "volumes[\(index)]"
            guard !volume.name.isEmpty, seen.insert(volume.name).inserted else {
                throw ConfigError(key: "\(key).name", "must be a unique, non-empty name, got \"\(volume.name)\"")
            }
            if let missing = volume.source.missing(in: volume, key: key) { throw missing }
            if volume.component == .minio, !volume.source.measuresAnyVolume {
                let sources = VolumeSettings.Source.allCases.filter(\.measuresAnyVolume).map(\.rawValue).joined(separator: " or ")
                throw ConfigError(key: "\(key).source", "a minio volume is measured by \(sources), not \(volume.source.rawValue)")
            }
            if let threshold = volume.thresholdPercent { try ConfigValidation.percent(threshold, key: "\(key).threshold") }
        }
    }
}
