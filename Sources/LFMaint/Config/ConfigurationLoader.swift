import Foundation
import LFMaintEdges
import LFMaintSupport
import Yams

/// Builds a `Configuration` from defaults, then the YAML file, then the environment (Langfuse's and
/// AWS's own variable names), and validates the result.
public enum ConfigurationLoader {
    public static func load(path: String?, environment: [String: String]) throws -> Configuration {
        var text = ""
        if let path {
            do {
                text = try BoundedFile.read(path)
            } catch {
                throw ConfigError(key: path, "cannot read the config file (\(error.text))")
            }
        }
        return try load(yaml: text, environment: environment)
    }

    static func load(yaml: String, environment: [String: String] = [:]) throws -> Configuration {
        registerSecrets(in: environment)
        var config = Configuration()
        try apply(yaml: yaml, to: &config)
        try EnvironmentOverrides.apply(environment, to: &config)
        for url in [config.clickhouse.url, config.pushgatewayURL, config.kubelet.apiServer, config.cloudwatch.endpoint,
                    config.s3.endpoint].compactMap({ $0 }) {
            SecretScrubber.register(passwordOf: url)
        }
        SecretScrubber.exempt([config.clusterName, config.namespace, config.clickhouse.database, config.clickhouse.user,
                               config.clickhouse.clusterName] + config.volumes.flatMap { [$0.name, $0.pvc, $0.pod].compactMap { $0 } })
        try ConfigValidation.validate(config)
        try ConfigValidation.retentionAboveFloor(config)
        return config
    }

    /// Before anything can fail: an error about a bad value must not show a secret that came with it.
    static func registerSecrets(in environment: [String: String]) {
        for name in ["CLICKHOUSE_PASSWORD", "DATABASE_PASSWORD", "REDIS_PASSWORD", "REDIS_AUTH", "AWS_SECRET_ACCESS_KEY",
                     "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"] + EventBucketSettings.secretVariables {
            if let value = environment[name] { SecretScrubber.register(value) }
        }
        for name in ["CLICKHOUSE_URL", "DATABASE_URL", "REDIS_CONNECTION_STRING", "AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            if let value = environment[name] { SecretScrubber.register(passwordOf: value) }
        }
    }

    static func apply(yaml text: String, to config: inout Configuration) throws {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, YAMLSection.resolver)
        } catch let error as YamlError {
            throw ConfigError(key: "(yaml)", String(describing: error).split(separator: "\n").first.map(String.init) ?? "not valid YAML")
        }
        var top = try YAMLSection(node, path: "")
        if let value = try top.string("clusterName") { config.clusterName = value }
        if let value = try top.string("namespace") { config.namespace = value }
        if var section = try top.section("langfuse") { try readDeployment(&section, into: &config) }
        if var section = try top.section("clickhouse") { try readClickHouse(&section, into: &config.clickhouse) }
        if var section = try top.section("postgres") {
            if let url = try section.string("url") { config.postgres = PostgresSettings(url: Secret(url)) }
            try section.finish()
        }
        if var section = try top.section("redis") { config.redis = try readRedis(&section) }
        if var section = try top.section("cloudwatch") { try readCloudWatch(&section, into: &config.cloudwatch) }
        if var section = try top.section("s3") { config.s3 = try EventBucketSettings.read(&section) }
        config.publish = try top.strings("publish").enumerated().map { index, name in
            guard let target = PublishTarget(rawValue: name) else {
                throw ConfigError(key: "publish[\(index)]", "unknown target \"\(name)\" (known: cloudwatch, pushgateway)")
            }
            return target
        }
        if var section = try top.section("pushgateway") {
            config.pushgatewayURL = try section.string("url")
            try section.finish()
        }
        if var section = try top.section("kubelet") { try readKubelet(&section, into: &config.kubelet) }
        if var section = try top.section("retention") { try readRetention(&section, into: &config.retention) }
        if var section = try top.section("cleanup") { try readCleanup(&section, into: &config.cleanup) }
        if var section = try top.section("agent") { config.agent = try AgentSettings.read(&section) }
        if var section = try top.section("grow") { config.grow = try GrowSettings.read(&section) }
        config.volumes = try top.sections("volumes").map { section in
            var section = section
            return try readVolume(&section)
        }
        try top.finish()
    }

    private static func readDeployment(_ section: inout YAMLSection, into config: inout Configuration) throws {
        if let value = try section.string("chart") {
            guard let chart = LangfuseDeployment.Chart(rawValue: value) else {
                throw ConfigError(key: section.keyPath("chart"), "unknown chart \"\(value)\" (known: v1, v2, compose)")
            }
            config.chart = chart
        }
        config.release = try section.string("release")
        try section.finish()
    }

    private static func readClickHouse(_ section: inout YAMLSection, into settings: inout ClickHouseSettings) throws {
        if let value = try section.string("url") { settings.url = value }
        if let value = try section.string("user") { settings.user = value }
        if let value = try section.string("password") { settings.password = Secret(value) }
        if let file = try section.string("passwordFile") { settings.password = try readSecretFile(file, key: section.keyPath("passwordFile")) }
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
    }

    /// `replicas: discover | single` or a list of URLs.
    private static func readReplicas(_ section: inout YAMLSection) throws -> ClickHouseReplicaSource? {
        guard let node = section.node("replicas") else { return nil }
        if node.sequence != nil { return .listed(try section.strings("replicas")) }
        return try ClickHouseReplicaSource(word: try section.string("replicas") ?? "", key: section.keyPath("replicas"))
    }

    private static func readRedis(_ section: inout YAMLSection) throws -> RedisSettings {
        var settings = RedisSettings()
        if let url = try section.string("url") { settings = try RedisSettings(connectionString: url, key: section.keyPath("url")) }
        if let value = try section.string("host") { settings.host = value }
        if let value = try section.int("port") { settings.port = value }
        if let value = try section.string("password") { settings.password = Secret(value) }
        if let file = try section.string("passwordFile") { settings.password = try readSecretFile(file, key: section.keyPath("passwordFile")) }
        if let value = try section.string("username") { settings.username = value }
        // Turns TLS on; a rediss:// URL stays on TLS (as with REDIS_TLS_ENABLED and Langfuse's client).
        if let value = try section.bool("tls"), value { settings.tls = true }
        if let value = try section.string("caFile") { settings.caFile = value }
        if let value = try section.string("certFile") { settings.certFile = value }
        if let value = try section.string("keyFile") { settings.keyFile = value }
        try section.finish()
        return settings
    }

    private static func readCloudWatch(_ section: inout YAMLSection, into settings: inout CloudWatchSettings) throws {
        if let value = try section.string("namespace") { settings.namespace = value }
        if let value = try section.string("region") { settings.region = value }
        if let value = try section.string("endpoint") { settings.endpoint = value }
        try section.finish()
    }

    private static func readRetention(_ section: inout YAMLSection, into settings: inout RetentionSettings) throws {
        if let value = try section.int("appDays") { settings.appDays = value }
        if let value = try section.int("systemLogDays") { settings.systemLogDays = value }
        settings.tables = try section.sections("tables").map { item in
            var item = item
            guard let name = try item.string("table") else { throw ConfigError(key: item.keyPath("table"), "is required") }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map { SQLIdentifier(String($0)) }
            guard (1...2).contains(parts.count), let table = parts.last!, parts.count == 1 || parts[0] != nil else {
                throw ConfigError(key: item.keyPath("table"), "\"\(name)\" is not a valid [database.]table name ([A-Za-z_][A-Za-z0-9_]*)")
            }
            var column: SQLIdentifier?
            if let text = try item.string("column") {
                guard let valid = SQLIdentifier(text) else {
                    throw ConfigError(key: item.keyPath("column"), "\"\(text)\" is not a valid column name ([A-Za-z_][A-Za-z0-9_]*)")
                }
                column = valid
            }
            guard let days = try item.int("days") else { throw ConfigError(key: item.keyPath("days"), "is required") }
            guard days >= 1 else { throw ConfigError(key: item.keyPath("days"), "must be at least 1, got \(days)") }
            try item.finish()
            return TableRetention(database: parts.count == 2 ? parts[0] : nil, table: table, column: column, days: days)
        }
        try section.finish()
    }

    private static func readKubelet(_ section: inout YAMLSection, into settings: inout KubeletSettings) throws {
        if let route = try section.string("route") {
            settings.route = try enumValue(KubeletSettings.Route.self, route, key: section.keyPath("route"))
        }
        if let value = try section.string("apiServer") { settings.apiServer = value }
        if let value = try section.string("tokenFile") { settings.tokenFile = value }
        if let value = try section.string("caFile") { settings.caFile = value }
        if let value = try section.int("kubeletPort") { settings.kubeletPort = value }
        if let value = try section.double("timeoutSeconds") { settings.timeoutSeconds = value }
        if let value = try section.int("concurrency") { settings.concurrency = value }
        try section.finish()
    }

    private static func readCleanup(_ section: inout YAMLSection, into settings: inout CleanupSettings) throws {
        if let value = try section.int("threshold") { settings.thresholdPercent = value }
        if let value = try section.int("target") { settings.targetPercent = value }
        if let value = try section.int("floorDays") { settings.floorDays = value }
        if let value = try section.double("maxDropGB") { settings.maxDropGB = value }
        if let value = try section.double("statementTimeoutSeconds") { settings.statementTimeoutSeconds = value }
        if let value = try section.bool("waitMutations") { settings.waitMutations = value }
        if let value = try section.bool("allowLargeDrops") { settings.allowLargeDrops = value }
        try section.finish()
    }

    private static func readVolume(_ section: inout YAMLSection) throws -> VolumeSettings {
        guard let name = try section.string("name") else { throw ConfigError(key: section.keyPath("name"), "is required") }
        let component = try enumValue(VolumeSettings.Component.self, try section.string("component"), key: section.keyPath("component"))
        let source = try enumValue(VolumeSettings.Source.self, try section.string("source"), key: section.keyPath("source"))
        var volume = VolumeSettings(name: name, component: component, source: source)
        volume.path = try section.string("path")
        volume.disk = try section.string("disk")
        volume.pvc = try section.string("pvc")
        volume.pod = try section.string("pod")
        volume.namespace = try section.string("namespace")
        volume.thresholdPercent = try section.int("threshold")
        try section.finish()
        return volume
    }

    private static func enumValue<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ text: String?, key: String) throws -> E where E.RawValue == String {
        let known = E.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text else { throw ConfigError(key: key, "is required (one of: \(known))") }
        guard let value = E(rawValue: text) else { throw ConfigError(key: key, "unknown value \"\(text)\" (one of: \(known))") }
        return value
    }

    static func readSecretFile(_ path: String, key: String) throws -> Secret {
        do {
            return Secret(try BoundedFile.read(path).trimmingCharacters(in: .newlines))
        } catch {
            throw ConfigError(key: key, "cannot read \(path) (\(error.text))")
        }
    }

    static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
