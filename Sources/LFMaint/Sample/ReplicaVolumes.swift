/// On a cluster every replica's disk is a volume of its own: each configured ClickHouse volume (but a
/// statfs path, which is this machine's) becomes one per replica, named `<volume>@<pod>`, with the
/// replica's PVC and pod. A volume that is already a replica's stays as it is.
enum ReplicaVolumes {
    static func expand(_ volumes: [VolumeSettings], _ set: ReplicaSet, deployment: LangfuseDeployment) -> [VolumeSettings] {
        guard !set.isSingle else { return volumes }
        return volumes.flatMap { volume -> [VolumeSettings] in
            guard volume.component == .clickhouse, volume.source != .statfs, volume.replica == nil else { return [volume] }
            return set.replicas.map { replica in
                var copy = volume
                copy.name = "\(volume.name)@\(replica.label)"
                copy.replica = replica.url
                copy.replicaOf = volume.name
                copy.pod = replica.pod
                copy.pvc = replica.pod.flatMap(deployment.clickhouseClaim(pod:))
                return copy
            }
        }
    }

    /// The configured volumes a run starts from: each replica's volume back to the one it was made from
    /// (its name, pod and PVC are made anew when it is expanded again).
    static func configured(_ volumes: [VolumeSettings]) -> [VolumeSettings] {
        var seen: Set<String> = []
        return volumes.compactMap { volume in
            var base = volume
            if let name = volume.replicaOf {
                base.name = name
                base.replica = nil
                base.replicaOf = nil
            }
            return seen.insert(base.name).inserted ? base : nil
        }
    }
}
