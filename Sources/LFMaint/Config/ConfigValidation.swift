import Foundation
import LFMaintSupport

/// Checks that apply whatever the value came from (file, environment or default).
enum ConfigValidation {
    /// Each section checks itself; what spans sections is checked here.
    static func validate(_ config: Configuration) throws {
        try config.clickhouse.validate()
        try config.agent.validate()
        try config.grow.validate()
        if config.grow.enabled {
            try config.grow.validate(volumes: try SampleTargets.volumes(config: config), chart: config.deployment.chart)
        }
        if let release = config.release, !LangfuseDeployment.isReleaseName(release) {
            throw ConfigError(key: "langfuse.release", "\"\(release)\" is not a Helm release name (lower-case letters, digits and -, at most 53)")
        }
        try config.postgres?.validate()
        try config.redis?.validate()
        try config.cloudwatch.validate()
        if let url = config.pushgatewayURL { try httpURL(url, key: "pushgateway.url") }
        for target in config.publish {
            if let missing = target.kind.missing(in: config) { throw missing }
        }
        try config.kubelet.validate()
        try config.retention.validate(database: config.clickhouse.database)
        try config.cleanup.validate()
        try VolumeSettings.validate(config.volumes)
    }

    /// The cleanup never deletes rows newer than `cleanup.floorDays`; a TTL that keeps fewer days would
    /// break that promise behind its back. System logs have their own 1-day floor. Checked on the
    /// loaded configuration only: a one-off `cleanup --floor-days` above the TTL is only more careful.
    static func retentionAboveFloor(_ config: Configuration) throws {
        let floor = config.cleanup.floorDays
        if config.retention.appDays < floor { throw belowFloor("retention.appDays", config.retention.appDays, floor) }
        let database = SQLIdentifier(config.clickhouse.database)!
        for (index, entry) in config.retention.tables.enumerated() where entry.days < floor {
            let table = entry.qualified(defaultDatabase: database)
            if !(table.database.name == "system" && SystemLogTables.names.contains(table.table.name)) {
                throw belowFloor("retention.tables[\(index)].days", entry.days, floor)
            }
        }
    }

    private static func belowFloor(_ key: String, _ days: Int, _ floor: Int) -> ConfigError {
        ConfigError(key: key, "keeps \(days) days, under cleanup.floorDays (\(floor)), the age the cleanup never deletes under; "
            + "raise it or lower cleanup.floorDays")
    }

    static func httpURL(_ text: String, key: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ConfigError(key: key, "expected an http:// or https:// URL, got \"\(Redaction.url(text))\"")
        }
        try URLPort.check(text, key: key)
    }

    /// The pod's token goes only where the AWS SDKs send it: over https, or over http to loopback or
    /// the EKS and ECS agents' link-local addresses.
    static func containerCredentialsURL(_ text: String) throws {
        let key = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
        try httpURL(text, key: key)
        guard let components = URLComponents(string: text), let host = components.host else { return }
        let agents = ["127.0.0.1", "localhost", "::1", "[::1]", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]"]
        guard components.scheme?.lowercased() == "https" || agents.contains(host.lowercased()) else {
            throw ConfigError(key: key, "over http only to loopback, 169.254.170.2 or 169.254.170.23; got host \(host)")
        }
    }

    /// Days count back from now for cutoffs and forward from each row for TTLs: beyond 50 years a TTL
    /// would pass 2106, where DateTime wraps and the TTL expires every row at once.
    static func days(_ value: Int, key: String) throws {
        guard value >= 1 else { throw ConfigError(key: key, "must be at least 1 day, got \(value)") }
        guard value <= RetentionRule.maximumDays else {
            throw ConfigError(key: key, "must be at most \(RetentionRule.maximumDays) days (50 years), got \(value): a TTL further out "
                + "passes 2106, where ClickHouse's DateTime wraps and every row would expire at once")
        }
    }

    /// A petabyte: more than any one volume holds, and small enough that bytes fit in 64 bits.
    static let maximumDropGB = 1_000_000.0
    /// A day: DELETE and its rewrite can be slow, not slower.
    static let maximumStatementSeconds = 86_400.0
    static let percentRange = 1...99

    static func targetBelowThreshold(_ cleanup: CleanupSettings) throws {
        guard let target = cleanup.targetPercent, target >= cleanup.thresholdPercent else { return }
        throw ConfigError(key: "cleanup.target", "must be below cleanup.threshold (\(cleanup.thresholdPercent)), got \(target)")
    }

    /// Durations become milliseconds for libcurl and nanoseconds for `Task.sleep`: bounded here, they
    /// cannot overflow there.
    static func seconds(_ value: Double, key: String, atMost limit: Double) throws {
        try positive(value, key: key, atMost: limit, unit: "s")
    }

    static func positive(_ value: Double, key: String, atMost limit: Double, unit: String) throws {
        guard value.isFinite, value > 0, value <= limit else {
            throw ConfigError(key: key, "must be a number greater than 0 and at most \(Int(limit)) \(unit), got \(value)")
        }
    }

    static func percent(_ value: Int, key: String) throws {
        guard percentRange.contains(value) else { throw ConfigError(key: key, "must be a percentage from 1 to 99, got \(value)") }
    }

    static func holdsCredentials(_ url: String) -> Bool {
        URLComponents(string: url).map { $0.user != nil || $0.password != nil } ?? false
    }
}
