import Foundation
import LFMaintEdges
import LFMaintSupport

extension RedisSettings {
    /// Parses Langfuse's `REDIS_CONNECTION_STRING`: `redis://[[user]:password@]host[:port][/db]`, or
    /// `rediss://` for TLS.
    public init(connectionString: String, key: String) throws {
        let printable = Redaction.url(connectionString)
        guard let components = URLComponents(string: connectionString), let scheme = components.scheme?.lowercased(),
              scheme == "redis" || scheme == "rediss", let host = components.host, !host.isEmpty else {
            throw ConfigError(key: key, "expected redis://[:password@]host[:port], got \(printable)")
        }
        try URLPort.check(connectionString, key: key)
        self.init()
        // An IPv6 literal comes bracketed, as in the URL; getaddrinfo and libcurl want the bare address.
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 6379
        self.tls = scheme == "rediss"
        // URLComponents.user and .password are already percent-decoded.
        if let user = components.user, !user.isEmpty { username = user }
        if let password = components.password, !password.isEmpty { self.password = Secret(password) }
    }
}
