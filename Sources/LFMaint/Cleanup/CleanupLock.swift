/// Keeps two cleanup runs from overlapping: a Postgres session-level advisory lock, held for as long
/// as this value lives (closing the connection releases it, even if lfmaint dies).
public final class CleanupLock: Sendable {
    public enum LockError: Error, Equatable, CustomStringConvertible {
        case held(key: String)
        public var description: String {
            switch self {
            case .held(let key): "another lfmaint cleanup is running (Postgres advisory lock \"\(key)\" is held); nothing was done"
            }
        }
    }

    private let connection: PostgresConnection?
    public let key: String

    private init(connection: PostgresConnection?, key: String) {
        self.connection = connection
        self.key = key
    }

    /// With no Postgres configured there is nothing to lock with: the run goes on unlocked.
    public static func acquire(postgres: PostgresSettings?, cluster: String) async throws -> CleanupLock {
        let key = "lfmaint-cleanup:\(cluster)"
        guard let postgres else { return CleanupLock(connection: nil, key: key) }
        let url = postgres.url.reveal()
        let connection = try await BlockingIO.run { () -> PostgresConnection in
            let connection = try PostgresConnection(url: url)
            let rows = try connection.query("SELECT pg_try_advisory_lock(hashtext($1))", [key])
            guard rows.rows.first?.first == "t" else { throw LockError.held(key: key) }
            return connection
        }
        return CleanupLock(connection: connection, key: key)
    }
}
