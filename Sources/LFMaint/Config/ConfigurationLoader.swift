import Foundation
import LFMaintEdges
import LFMaintSupport
import Yams

/// Builds a `Configuration` from defaults, then the YAML file, then the environment (Langfuse's and
/// AWS's own variable names), then a command's flags, and validates the result once.
public enum ConfigurationLoader {
    public static func load(path: String?, environment: [String: String],
                            flags: (inout Configuration) throws -> Void = { _ in }) throws -> Configuration {
        var text = ""
        if let path {
            do {
                text = try BoundedFile.read(path)
            } catch {
                throw ConfigError(key: path, "cannot read the config file (\(error.text))")
            }
        }
        return try load(yaml: text, environment: environment, flags: flags)
    }

    static func load(yaml: String, environment: [String: String] = [:], flags: (inout Configuration) throws -> Void = { _ in }) throws
        -> Configuration {
        registerSecrets(in: environment)
        var config = Configuration()
        try apply(yaml: yaml, to: &config)
        try EnvironmentOverrides.apply(environment, to: &config)
        try flags(&config)
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
        if var section = try top.section("clickhouse") { config.clickhouse = try ClickHouseSettings.read(&section) }
        if var section = try top.section("postgres") { config.postgres = try PostgresSettings.read(&section) }
        if var section = try top.section("redis") { config.redis = try RedisSettings.read(&section) }
        if var section = try top.section("cloudwatch") { config.cloudwatch = try CloudWatchSettings.read(&section) }
        if var section = try top.section("s3") { config.s3 = try EventBucketSettings.read(&section) }
        config.publish = try top.strings("publish").enumerated().map { index, name in try PublishTarget(name: name, key: "publish[\(index)]") }
        if var section = try top.section("pushgateway") {
            config.pushgatewayURL = try section.string("url")
            try section.finish()
        }
        if var section = try top.section("kubelet") { config.kubelet = try KubeletSettings.read(&section) }
        if var section = try top.section("retention") { config.retention = try RetentionSettings.read(&section) }
        if var section = try top.section("cleanup") { config.cleanup = try CleanupSettings.read(&section) }
        if var section = try top.section("agent") { config.agent = try AgentSettings.read(&section) }
        if var section = try top.section("grow") { config.grow = try GrowSettings.read(&section) }
        config.volumes = try top.sections("volumes").map { section in
            var section = section
            return try VolumeSettings.read(&section)
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
