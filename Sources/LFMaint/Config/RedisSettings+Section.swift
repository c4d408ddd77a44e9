import LFMaintEdges
import LFMaintSupport

/// The `redis` section. `RedisSettings` is the connection's (LFMaintEdges); the section reads and checks it here.
extension RedisSettings {
    static func read(_ section: inout YAMLSection) throws -> RedisSettings {
        var settings = RedisSettings()
        if let url = try section.string("url") { settings = try RedisSettings(connectionString: url, key: section.keyPath("url")) }
        if let value = try section.string("host") { settings.host = value }
        if let value = try section.int("port") { settings.port = value }
        if let value = try section.string("password") { settings.password = Secret(value) }
        if let file = try section.string("passwordFile") { settings.password = try ConfigurationLoader.readSecretFile(file, key: section.keyPath("passwordFile")) }
        if let value = try section.string("username") { settings.username = value }
        // Turns TLS on; a rediss:// URL stays on TLS (as with REDIS_TLS_ENABLED and Langfuse's client).
        if let value = try section.bool("tls"), value { settings.tls = true }
        if let value = try section.string("caFile") { settings.caFile = value }
        if let value = try section.string("certFile") { settings.certFile = value }
        if let value = try section.string("keyFile") { settings.keyFile = value }
        try section.finish()
        return settings
    }

    func validate() throws {
        guard (1...65535).contains(port) else { throw ConfigError(key: "redis.port (REDIS_PORT)", "must be 1–65535, got \(port)") }
    }
}
