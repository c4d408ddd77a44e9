/// Langfuse's project IDs, from its database (Prisma's `projects` table, deleted projects included: their
/// media stays), for the one question the lifecycle guard asks: which IDs start with this.
public enum LangfuseProjects {
    public static let limit = 100

    /// At most `limit` IDs that start with `start`; nil when no database is configured.
    public static func ids(startingWith start: String, settings: PostgresSettings?) async throws -> [String]? {
        guard let settings else { return nil }
        let url = settings.url.reveal()
        return try await BlockingIO.run {
            let connection = try PostgresConnection(url: url)
            return try connection.query("SELECT id FROM projects WHERE left(id, $2::int) = $1 LIMIT \(limit)",
                                        [start, String(start.count)]).rows.compactMap { $0.first ?? nil }
        }
    }
}
