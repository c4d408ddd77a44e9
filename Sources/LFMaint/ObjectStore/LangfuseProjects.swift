import LFMaintEdges
import LFMaintSupport

/// Langfuse's project IDs, from its database (Prisma's `projects` table, deleted projects included: their
/// media stays), for the one question the lifecycle guard asks: does a project have this ID (or one
/// starting with this)? Any answer at all refuses the rule, so a few rows are enough.
enum LangfuseProjects {
    static let limit = 10

    /// The IDs `ids` names, at most `limit`; nil when no database is configured.
    static func ids(_ ids: EventLifecycleGuard.ProjectIDs, settings: PostgresSettings?) async throws -> [String]? {
        guard let settings else { return nil }
        let url = settings.url.reveal()
        let condition = ids.exact ? "id = $1" : "starts_with(id, $1)"
        return try await BlockingIO.run {
            let connection = try PostgresConnection(url: url)
            return try connection.query("SELECT id FROM projects WHERE \(condition) LIMIT \(limit)", [ids.start])
                .rows.compactMap { $0.first ?? nil }
        }
    }
}
