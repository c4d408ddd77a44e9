import LFMaintSupport

/// The ClickHouse config.d file that makes system logs' TTLs last. ClickHouse creates each system log
/// from its config section when it starts, and a table an ALTER changed is renamed `<name>_N` and made
/// anew without the ALTER's TTL: only the config keeps a TTL across restarts and upgrades.
/// Pure: `ttl server-config` renders it, and the Kubernetes components hold it as rendered.
public struct SystemLogServerConfig: Sendable, Equatable {
    /// A macro the file also sets, read back from `system.macros`: which days the server's config
    /// gives each log, so `ttl plan` can tell a TTL that lasts from one an ALTER set.
    static let markerMacro = "lfmaint_system_log_ttl"

    struct Log: Sendable, Equatable {
        var table: String
        var column: String
        var days: Int
        /// The engine's keys, for a log whose section needs a whole `<engine>` (see `needsEngine`).
        var partitionKey: String
        var sortingKey: String

        init(table: String, column: String, days: Int, partitionKey: String, sortingKey: String) {
            self.table = table
            self.column = column
            self.days = days
            self.partitionKey = partitionKey
            self.sortingKey = sortingKey
        }
    }

    var logs: [Log]

    /// A kept log's partition and sorting keys, by its name.
    typealias EngineKeys = (partitionKey: String, sortingKey: String)

    init(logs: [Log]) {
        self.logs = logs
    }

    /// ClickHouse's shipped config.xml gives opentelemetry_span_log an `<engine>`, and a section with
    /// an `<engine>` cannot also take `<ttl>` (the server refuses to start): its TTL goes in the engine.
    static func needsEngine(_ table: String) -> Bool { table == "opentelemetry_span_log" }

    /// The logs a server keeps by default, for a server lfmaint cannot read: a section for a log the
    /// server does not keep would turn that log on. Chart v1's bitnami image and docker compose run
    /// ClickHouse's shipped config.xml; chart v2's operator replaces it and keeps three logs.
    static func keptByDefault(chart: LangfuseDeployment.Chart) -> [String: EngineKeys] {
        let logs = chart == .v2 ? ["query_log", "part_log", "text_log"] : [
            "query_log", "trace_log", "query_thread_log", "query_views_log", "part_log", "metric_log", "asynchronous_metric_log",
            "processors_profile_log", "asynchronous_insert_log", "backup_log", "s3queue_log", "blob_storage_log", "error_log",
            "latency_log", "text_log", "opentelemetry_span_log",
        ]
        return Dictionary(uniqueKeysWithValues: logs.map { table in
            table == "opentelemetry_span_log"
                ? (table, (partitionKey: "toYYYYMM(finish_date)", sortingKey: "finish_date, finish_time_us, trace_id"))
                : (table, (partitionKey: "toYYYYMM(event_date)", sortingKey: "event_date, event_time"))
        })
    }

    /// The file for the logs the configured chart's servers keep by default.
    public static func byDefault(config: Configuration) -> SystemLogServerConfig {
        forRules(of: config, kept: keptByDefault(chart: config.deployment.chart))
    }

    /// The file for `kept` (name → partition and sorting key) with the days `config`'s policy gives each log.
    static func forRules(of config: Configuration,
                                kept: [String: EngineKeys]) -> SystemLogServerConfig {
        forRules(RetentionPolicy.scope(for: config, serverTables: [:]).rules, kept: kept)
    }

    /// One log per system-log rule whose table is in `kept` (name → partition and sorting key).
    static func forRules(_ rules: [RetentionRule],
                                kept: [String: EngineKeys]) -> SystemLogServerConfig {
        SystemLogServerConfig(logs: rules.compactMap { rule in
            guard rule.table.database.name == "system", let keys = kept[rule.table.table.name] else { return nil }
            return Log(table: rule.table.table.name, column: rule.column.name, days: rule.days,
                       partitionKey: keys.partitionKey, sortingKey: keys.sortingKey)
        })
    }

    /// The value of the marker macro: `query_log=10,part_log=10`.
    var markerValue: String { logs.map { "\($0.table)=\($0.days)" }.joined(separator: ",") }

    /// The days a marker gives each log; nil when it is not one lfmaint wrote.
    static func days(inMarker value: String) -> [String: Int]? {
        var days: [String: Int] = [:]
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2, SQLIdentifier(String(pair[0])) != nil, let number = Int(pair[1]),
                  (1...RetentionRule.maximumDays).contains(number) else { return nil }
            days[String(pair[0])] = number
        }
        return days.isEmpty ? nil : days
    }

    /// Each log's section: its `<ttl>` and `<settings>`, or a whole `<engine>` where one is needed.
    func sections() -> [(table: String, keys: [(String, String)])] {
        logs.map { log in
            let ttl = "\(log.column) + INTERVAL \(log.days) DAY DELETE"
            guard Self.needsEngine(log.table) else { return (log.table, [("ttl", ttl), ("settings", "ttl_only_drop_parts = 1")]) }
            return (log.table, [("engine", "ENGINE = MergeTree PARTITION BY \(log.partitionKey) ORDER BY (\(log.sortingKey)) TTL \(ttl) "
                                 + "SETTINGS ttl_only_drop_parts = 1")])
        }
    }

    /// The config.d file, as XML.
    public func xml() -> String {
        var lines = [
            "<!-- lfmaint ttl server-config: retention for ClickHouse's system logs that lasts across restarts.",
            "     ClickHouse makes each log from its section here when it starts; a TTL set by ALTER is lost then.",
            "     Put this file in the server's config.d (e.g. /etc/clickhouse-server/config.d/lfmaint-system-log-ttl.xml)",
            "     and restart. A log whose section holds an <engine> of its own takes its TTL inside that engine:",
            "     edit it there, or ClickHouse refuses to start with both. -->",
            "<clickhouse>",
            "  <macros><\(Self.markerMacro)>\(markerValue)</\(Self.markerMacro)></macros>",
        ]
        for section in sections() {
            let keys = section.keys.map { "<\($0.0)>\(XMLText.escaped($0.1))</\($0.0)>" }.joined()
            lines.append("  <\(section.table)>\(keys)</\(section.table)>")
        }
        lines.append("</clickhouse>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same settings as Helm values for Langfuse's chart v2: its ClickHouse operator writes
    /// `clickhouse.cluster.settings` into each server's config.d (`extraConfig`) and restarts the pods.
    public func chartV2Values() -> String {
        var lines = [
            "# lfmaint ttl server-config --format chart-v2-values: system-log retention that lasts across ClickHouse restarts.",
            "# helm upgrade <release> langfuse/langfuse --reuse-values -f <this file>",
            "clickhouse:",
            "  cluster:",
            "    settings:",
            "      macros:",
            "        \(Self.markerMacro): \(Self.quoted(markerValue))",
        ]
        for section in sections() {
            lines.append("      \(section.table):")
            lines += section.keys.map { "        \($0.0): \(Self.quoted($0.1))" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

}
