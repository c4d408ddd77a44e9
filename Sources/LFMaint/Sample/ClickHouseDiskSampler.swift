/// ClickHouse's own `system.disks`: needs no Kubernetes rights, only the ClickHouse credentials.
public struct ClickHouseDiskSampler: VolumeSampler {
    public let client: ClickHouseClient

    public init(client: ClickHouseClient) {
        self.client = client
    }

    struct DiskRow: Decodable {
        let name: String
        let total_space: Int64
        let free_space: Int64
    }

    public func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        let disks: [DiskRow]
        do {
            try await client.require(.systemDisks)
            disks = try await client.read("SELECT name, toInt64(total_space) AS total_space, toInt64(free_space) AS free_space FROM system.disks",
                                          as: DiskRow.self)
        } catch {
            return volumes.map { .unknown($0, String(describing: error)) }
        }
        return volumes.map { volume in
            let name = volume.disk ?? "default"
            guard let disk = disks.first(where: { $0.name == name }) else {
                return .unknown(volume, "ClickHouse has no disk \"\(name)\" (it has: \(disks.map(\.name).joined(separator: ", ")))")
            }
            return .checked(volume, source: "ClickHouse's system.disks", used: nil, total: disk.total_space, available: disk.free_space)
        }
    }
}
