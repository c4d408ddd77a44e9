/// A failure talking to PostgreSQL. `sqlstate` is the server's five-character code
/// (for example `28P01` invalid password, `42P01` undefined table).
public enum PostgresError: Error, Equatable, CustomStringConvertible {
    case invalidURL(url: String, reason: String)
    case connectionFailed(url: String, message: String)
    case queryFailed(sqlstate: String, message: String, detail: String?)
    case connectionLost(message: String)
    /// An answer no PostgreSQL sends (a negative size): not trusted.
    case unexpected(String)

    var sqlstate: String? {
        if case let .queryFailed(state, _, _) = self { return state }
        return nil
    }

    public var description: String {
        switch self {
        case let .invalidURL(url, reason):
            "invalid PostgreSQL URL \(url): \(reason)"
        case let .connectionFailed(url, message):
            "cannot connect to PostgreSQL at \(url): \(message)"
        case let .queryFailed(state, message, detail):
            "PostgreSQL error \(state): \(message)" + (detail.map { " (\($0))" } ?? "")
        case let .connectionLost(message):
            "PostgreSQL connection lost: \(message)"
        case let .unexpected(detail):
            "unexpected answer from PostgreSQL: \(detail)"
        }
    }
}
