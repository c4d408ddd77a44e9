import LFMaintSupport

public struct RedisSettings: Sendable, Equatable {
    public var host = "localhost"
    public var port = 6379
    /// An ACL user; none sends `AUTH <password>` alone (the `default` user).
    public var username: String?
    public var password: Secret?
    public var tls = false
    /// TLS: the CA that signed the server's certificate (else the system's), and a client certificate.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?

    public init(host: String = "localhost", port: Int = 6379, password: Secret? = nil, tls: Bool = false) {
        self.host = host
        self.port = port
        self.password = password
        self.tls = tls
    }
}
