import Foundation
import LFMaintEdges
import LFMaintSupport

/// The `clickhouse` section. `ClickHouseSettings` is the client's (LFMaintEdges); the section reads and checks it here.
extension ClickHouseSettings {
    static func read(_ section: inout YAMLSection) throws -> ClickHouseSettings {
        var settings = ClickHouseSettings()
        if let value = try section.string("url") { settings.url = value }
        if let value = try section.string("user") { settings.user = value }
        if let value = try section.string("password") { settings.password = Secret(value) }
        if let file = try section.string("passwordFile") { settings.password = try ConfigurationLoader.readSecretFile(file, key: section.keyPath("passwordFile")) }
        if let value = try section.string("database") { settings.database = value }
        if var cluster = try section.section("cluster") {
            if let value = try cluster.bool("enabled") { settings.clusterEnabled = value }
            if let value = try cluster.string("name") { settings.clusterName = value }
            try cluster.finish()
        }
        if let value = try section.string("caFile") { settings.caFile = value }
        if let value = try section.double("timeoutSeconds") { settings.timeoutSeconds = value }
        settings.replicas = try readReplicas(&section)
        try section.finish()
        return settings
    }

    /// `replicas: discover | single` or a list of URLs.
    private static func readReplicas(_ section: inout YAMLSection) throws -> ClickHouseReplicaSource? {
        guard let node = section.node("replicas") else { return nil }
        if node.sequence != nil { return .listed(try section.strings("replicas")) }
        return try ClickHouseReplicaSource(word: try section.string("replicas") ?? "", key: section.keyPath("replicas"))
    }

    func validate() throws {
        try ConfigValidation.httpURL(url, key: "clickhouse.url (CLICKHOUSE_URL)")
        if ConfigValidation.holdsCredentials(url) {
            throw ConfigError(key: "clickhouse.url (CLICKHOUSE_URL)", "holds credentials (\(Redaction.url(url))), which lfmaint "
                + "would not send: set clickhouse.user and clickhouse.password (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD) instead")
        }
        if case .listed(let urls) = replicaSource {
            let key = "clickhouse.replicas (LFMAINT_CLICKHOUSE_REPLICAS)"
            let most = ClickHouseReplicas.maximumReplicas
            guard (1...most).contains(urls.count), Set(urls).count == urls.count else {
                throw ConfigError(key: key, "expected 1 to \(most) different URLs, got \(urls.count)\(Set(urls).count == urls.count ? "" : " with repeats")")
            }
            for url in urls {
                try ConfigValidation.httpURL(url, key: key)
                if ConfigValidation.holdsCredentials(url) {
                    throw ConfigError(key: key, "\(Redaction.url(url)) holds credentials: every replica gets clickhouse.user and clickhouse.password")
                }
            }
        }
        guard SQLIdentifier(database) != nil else {
            throw ConfigError(key: "clickhouse.database (CLICKHOUSE_DB)", "\"\(database)\" is not a valid database name")
        }
        if clusterEnabled, SQLIdentifier(clusterName) == nil {
            throw ConfigError(key: "clickhouse.cluster.name (CLICKHOUSE_CLUSTER_NAME)", "\"\(clusterName)\" is not a valid cluster name")
        }
        try ConfigValidation.seconds(timeoutSeconds, key: "clickhouse.timeoutSeconds", atMost: 86_400)
    }
}

extension ClickHouseReplicaSource {
    init(word: String, key: String) throws {
        switch word {
        case "discover": self = .discover
        case "single": self = .single
        default: throw ConfigError(key: key, "expected discover, single or a list of URLs, got \"\(word)\"")
        }
    }
}
