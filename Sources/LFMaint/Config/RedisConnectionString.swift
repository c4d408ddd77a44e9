import Foundation

extension RedisSettings {
    /// Parses Langfuse's `REDIS_CONNECTION_STRING`: `redis://[[user]:password@]host[:port][/db]`, or
    /// `rediss://` for TLS.
    init(connectionString: String, key: String) throws {
        let printable = Redaction.url(connectionString)
        guard let components = URLComponents(string: connectionString), let scheme = components.scheme?.lowercased(),
              scheme == "redis" || scheme == "rediss", let host = components.host, !host.isEmpty else {
            throw ConfigError(key: key, "expected redis://[:password@]host[:port], got \(printable)")
        }
        self.init()
        self.host = host
        self.port = components.port ?? 6379
        self.tls = scheme == "rediss"
        if let user = components.user?.removingPercentEncoding, !user.isEmpty { username = user }
        if let password = components.password, !password.isEmpty {
            self.password = Secret(password.removingPercentEncoding ?? password)
        }
    }
}
