/// What fills the Postgres volume: every database's size and the largest relations of the one
/// `DATABASE_URL` names. As a sampler (`source: postgres`) it reports the databases' total as used
/// bytes, with no capacity: that comes from the kubelet or statfs.
public struct PostgresUsage: UsageDetailSource, VolumeSampler {
    public let settings: PostgresSettings

    public init(settings: PostgresSettings) {
        self.settings = settings
    }

    public func top(limit: Int) async throws -> [UsageItem] {
        let url = settings.url.reveal()
        return try await BlockingIO.run {
            let connection = try PostgresConnection(url: url)
            let databases = try connection.query("""
                SELECT datname, pg_database_size(datname) FROM pg_database WHERE datallowconn ORDER BY 2 DESC LIMIT $1
                """, [String(limit)])
            let relations = try connection.query("""
                SELECT current_database() || '.' || n.nspname || '.' || c.relname, pg_total_relation_size(c.oid)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                ORDER BY 2 DESC LIMIT $1
                """, [String(limit)])
            return Self.items(databases, kind: "database") + Self.items(relations, kind: "relation")
        }
    }

    public func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        do {
            let items = try await top(limit: 1000)
            let sizes = items.filter { $0.kind == "database" }.map(\.bytes)
            let total = sizes.reduce(Int64(0)) { sum, size in sum.addingReportingOverflow(size).overflow ? .max : sum + size }
            return volumes.map { volume in
                guard sizes.allSatisfy({ $0 >= 0 }), total < .max else {
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

    private static func items(_ rows: PostgresRows, kind: String) -> [UsageItem] {
        rows.rows.compactMap { row in
            guard let name = row[0], let bytes = row[1].flatMap({ Int64($0) }) else { return nil }
            return UsageItem(name: name, bytes: bytes, kind: kind)
        }
    }
}
