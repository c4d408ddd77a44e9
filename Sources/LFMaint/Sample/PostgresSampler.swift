import LFMaintSupport

/// What fills the Postgres volume: every database's size and the largest relations of the one
/// `DATABASE_URL` names. As a sampler (`source: postgres`) it reports the databases' total as used
/// bytes, with no capacity: that comes from the kubelet or statfs.
struct PostgresSampler: UsageDetailSource, VolumeSource {
    static let name = "postgres"
    static let measuresAnyVolume = false
    static let measuresFileSystem = false
    static let setting = "DATABASE_URL"

    let settings: PostgresSettings

    init(settings: PostgresSettings) {
        self.settings = settings
    }

    init?(_ context: SamplingContext) {
        guard let settings = context.config.postgres else { return nil }
        self.init(settings: settings)
    }

    func top(limit: Int) async throws -> [UsageItem] {
        let facts = try await PostgresFactsReader(settings: settings).read(relationLimit: limit, wal: false)
        return facts.databases.prefix(limit).map { UsageItem(name: $0.name, bytes: $0.bytes, kind: .database) }
            + facts.relations.map { UsageItem(name: $0.name, bytes: $0.totalBytes, kind: .relation) }
    }

    func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        do {
            let items = try await top(limit: 1000)
            // Each size is checked where it enters (`PostgresFactsReader`); their sum may still overflow.
            let sizes = items.filter { $0.kind == .database }.map(\.bytes)
            let total = sizes.saturatingSum
            return volumes.map { volume in
                guard total < .max else {
                    return .unknown(volume, "Postgres reports impossible database sizes (\(sizes.map(String.init).joined(separator: ", "))); not trusted")
                }
                var sample = VolumeSample(volume: volume, usedBytes: total, totalBytes: nil, availableBytes: nil)
                sample.top = items
                return sample
            }
        } catch {
            return volumes.map { .unknown($0, String(describing: error)) }
        }
    }
}

extension VolumeSettings.Source {
    static var postgres: Self { Self(PostgresSampler.self) }
}
