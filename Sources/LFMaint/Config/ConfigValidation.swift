import Foundation
import LFMaintSupport

extension Configuration {
    /// Throws `ConfigError` when a value is out of range; for settings changed after loading (flags).
    public func validate() throws {
        try ConfigValidation.validate(self)
    }
}

/// Checks that apply whatever the value came from (file, environment or default).
enum ConfigValidation {
    static func validate(_ config: Configuration) throws {
        try httpURL(config.clickhouse.url, key: "clickhouse.url (CLICKHOUSE_URL)")
        if holdsCredentials(config.clickhouse.url) {
            throw ConfigError(key: "clickhouse.url (CLICKHOUSE_URL)", "holds credentials (\(Redaction.url(config.clickhouse.url))), which lfmaint "
                + "would not send: set clickhouse.user and clickhouse.password (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD) instead")
        }
        if case .listed(let urls) = config.clickhouse.replicaSource {
            let key = "clickhouse.replicas (LFMAINT_CLICKHOUSE_REPLICAS)"
            let most = ClickHouseReplicas.maximumReplicas
            guard (1...most).contains(urls.count), Set(urls).count == urls.count else {
                throw ConfigError(key: key, "expected 1 to \(most) different URLs, got \(urls.count)\(Set(urls).count == urls.count ? "" : " with repeats")")
            }
            for url in urls {
                try httpURL(url, key: key)
                if holdsCredentials(url) {
                    throw ConfigError(key: key, "\(Redaction.url(url)) holds credentials: every replica gets clickhouse.user and clickhouse.password")
                }
            }
        }
        try config.agent.validate()
        try config.grow.validate()
        if config.grow.enabled {
            try config.grow.validate(volumes: try SampleTargets.volumes(config: config), chart: config.deployment.chart)
        }
        guard SQLIdentifier(config.clickhouse.database) != nil else {
            throw ConfigError(key: "clickhouse.database (CLICKHOUSE_DB)", "\"\(config.clickhouse.database)\" is not a valid database name")
        }
        if config.clickhouse.clusterEnabled, SQLIdentifier(config.clickhouse.clusterName) == nil {
            throw ConfigError(key: "clickhouse.cluster.name (CLICKHOUSE_CLUSTER_NAME)", "\"\(config.clickhouse.clusterName)\" is not a valid cluster name")
        }
        if let release = config.release, !LangfuseDeployment.isReleaseName(release) {
            throw ConfigError(key: "langfuse.release", "\"\(release)\" is not a Helm release name (lower-case letters, digits and -, at most 53)")
        }
        try seconds(config.clickhouse.timeoutSeconds, key: "clickhouse.timeoutSeconds", atMost: 86_400)
        if let postgres = config.postgres {
            let components = URLComponents(string: postgres.url.reveal())
            guard let scheme = components?.scheme, ["postgres", "postgresql"].contains(scheme), components?.host != nil else {
                throw ConfigError(key: "postgres.url (DATABASE_URL)", "expected postgresql://user:password@host:port/db, got \(postgres.printableURL)")
            }
            try URLPort.check(postgres.url.reveal(), key: "postgres.url (DATABASE_URL)")
            // libpq splits at the first "@", Foundation at the last: the rest of such a password would
            // become libpq's host name, and show in its error messages.
            let authority = postgres.url.reveal().split(separator: "://", maxSplits: 1).last?.split(separator: "/", maxSplits: 1).first ?? ""
            guard authority.filter({ $0 == "@" }).count <= 1 else {
                throw ConfigError(key: "postgres.url (DATABASE_URL)", "the user or password holds a raw \"@\": write it as %40")
            }
        }
        if let redis = config.redis, !(1...65535).contains(redis.port) {
            throw ConfigError(key: "redis.port (REDIS_PORT)", "must be 1–65535, got \(redis.port)")
        }
        if let endpoint = config.cloudwatch.endpoint {
            try httpURL(endpoint, key: "cloudwatch.endpoint (AWS_ENDPOINT_URL_CLOUDWATCH)")
        }
        if let endpoint = config.cloudwatch.stsEndpoint { try httpURL(endpoint, key: "AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL)") }
        if let url = config.cloudwatch.containerCredentialsURL { try containerCredentialsURL(url) }
        if let url = config.pushgatewayURL { try httpURL(url, key: "pushgateway.url") }
        if config.publish.contains(.pushgateway), config.pushgatewayURL == nil {
            throw ConfigError(key: "pushgateway.url", "is required to publish to a Pushgateway")
        }
        if let url = config.kubelet.apiServer { try httpURL(url, key: "kubelet.apiServer") }
        guard (1...65535).contains(config.kubelet.kubeletPort) else {
            throw ConfigError(key: "kubelet.kubeletPort", "must be 1–65535, got \(config.kubelet.kubeletPort)")
        }
        try seconds(config.kubelet.timeoutSeconds, key: "kubelet.timeoutSeconds", atMost: 3600)
        guard (1...64).contains(config.kubelet.concurrency) else {
            throw ConfigError(key: "kubelet.concurrency", "must be 1–64, got \(config.kubelet.concurrency)")
        }
        if config.publish.contains(.cloudwatch), config.cloudwatch.region == nil {
            throw ConfigError(key: "cloudwatch.region (AWS_REGION)", "is required to publish to CloudWatch")
        }
        try days(config.retention.appDays, key: "retention.appDays")
        try days(config.retention.systemLogDays, key: "retention.systemLogDays")
        for (index, entry) in config.retention.tables.enumerated() {
            let key = "retention.tables[\(index)]"
            try days(entry.days, key: key + ".days")
            if let reason = RetentionPolicy.refusal(for: entry, database: config.clickhouse.database) {
                throw ConfigError(key: key, "\(entry.table.name) is never expired by lfmaint: \(reason)")
            }
            if entry.column == nil, !RetentionPolicy.hasBuiltInRule(entry, database: config.clickhouse.database) {
                throw ConfigError(key: key + ".column", "is required for \(entry.table.name), which has no built-in rule")
            }
        }
        try percent(config.cleanup.thresholdPercent, key: "cleanup.threshold")
        if let target = config.cleanup.targetPercent { try percent(target, key: "cleanup.target") }
        try targetBelowThreshold(config.cleanup)
        try days(config.cleanup.floorDays, key: "cleanup.floorDays")
        if let cap = config.cleanup.maxDropGB {
            try positive(cap, key: "cleanup.maxDropGB (--max-drop-gb)", atMost: maximumDropGB, unit: "GB")
        }
        try seconds(config.cleanup.statementTimeoutSeconds, key: "cleanup.statementTimeoutSeconds (--statement-timeout)",
                    atMost: maximumStatementSeconds)
        try validateVolumes(config.volumes)
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

    private static func validateVolumes(_ volumes: [VolumeSettings]) throws {
        var seen: Set<String> = []
        for (index, volume) in volumes.enumerated() {
            let key = "volumes[\(index)]"
            guard !volume.name.isEmpty, seen.insert(volume.name).inserted else {
                throw ConfigError(key: "\(key).name", "must be a unique, non-empty name, got \"\(volume.name)\"")
            }
            if let missing = volume.source.missing(in: volume, key: key) { throw missing }
            if volume.component == .minio, !volume.source.measuresAnyVolume {
                let sources = VolumeSettings.Source.allCases.filter(\.measuresAnyVolume).map(\.rawValue).joined(separator: " or ")
                throw ConfigError(key: "\(key).source", "a minio volume is measured by \(sources), not \(volume.source.rawValue)")
            }
            if let threshold = volume.thresholdPercent { try percent(threshold, key: "\(key).threshold") }
        }
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
    private static func days(_ value: Int, key: String) throws {
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

    private static func percent(_ value: Int, key: String) throws {
        guard percentRange.contains(value) else { throw ConfigError(key: key, "must be a percentage from 1 to 99, got \(value)") }
    }

    static func holdsCredentials(_ url: String) -> Bool {
        URLComponents(string: url).map { $0.user != nil || $0.password != nil } ?? false
    }
}
