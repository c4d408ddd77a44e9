import LFMaintEdges
import LFMaintSupport

/// ClickHouse's own `system.disks`: needs no Kubernetes rights, only the ClickHouse credentials. A
/// replica's volume is asked of that replica, every replica at once, each within its own deadline.
struct ClickHouseDiskSampler: VolumeSource {
    static let name = "clickhouse"
    static let measuresAnyVolume = false
    static let measuresFileSystem = true

    let client: ClickHouseClient
    let replicas: ClickHouseReplicas?

    init(client: ClickHouseClient, replicas: ClickHouseReplicas? = nil) {
        self.client = client
        self.replicas = replicas
    }

    init(_ context: SamplingContext) {
        self.init(client: context.clickhouse, replicas: context.replicas)
    }

    struct DiskRow: Decodable {
        let name: String
        let total_space: Int64
        let free_space: Int64
    }

    func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        let byReplica = Dictionary(grouping: volumes, by: { $0.replica ?? "" })
        return await withTaskGroup(of: [VolumeSample].self) { group in
            for (url, members) in byReplica {
                let client = url.isEmpty ? client : (replicas?.client(for: url) ?? client)
                group.addTask { await Self.sample(members, on: client, replica: !url.isEmpty) }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// `replica`: one of several, which must answer within its own deadline so that one that stalls
    /// leaves the others known (one server has the sample run's deadline).
    static func sample(_ volumes: [VolumeSettings], on client: ClickHouseClient, replica: Bool) async -> [VolumeSample] {
        let read: @Sendable () async throws -> [DiskRow] = {
            try await client.require(.systemDisks)
            return try await client.read("SELECT name, toInt64(total_space) AS total_space, toInt64(free_space) AS free_space FROM system.disks",
                                         as: DiskRow.self)
        }
        let disks: [DiskRow]
        do {
            disks = replica ? try await withDeadline(seconds: ClickHouseReplicas.answerSeconds, read) : try await read()
        } catch {
            return volumes.map { .unknown($0, String(describing: error)) }
        }
        return volumes.map { volume in
            let name = volume.disk ?? "default"
            guard let disk = disks.first(where: { $0.name == name }) else {
                return .unknown(volume, "ClickHouse has no disk \"\(name)\" (it has: \(disks.map(\.name).joined(separator: ", ")))")
            }
            return .checked(volume, source: "ClickHouse's system.disks" + (replica ? " on \(client.host)" : ""), used: nil,
                            total: disk.total_space, available: disk.free_space)
        }
    }
}

extension VolumeSettings.Source {
    static var clickhouse: Self { Self(ClickHouseDiskSampler.self) }
}
