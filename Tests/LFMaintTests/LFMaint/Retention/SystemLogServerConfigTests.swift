import Foundation
@testable import LFMaint
@testable import LFMaintSupport
import Testing

@Suite("System-log server config")
struct SystemLogServerConfigTests {
    let queryLog = QualifiedTableName("system.query_log", defaultDatabase: "default")!
    var rule: RetentionRule { RetentionRule(table: queryLog, column: SQLIdentifier("event_date")!, days: 10, kind: .systemLog) }

    func facts(ttl: String?) -> [QualifiedTableName: TableFacts] {
        let engineFull = "MergeTree PARTITION BY toYYYYMM(event_date) ORDER BY (event_date, event_time)"
            + (ttl.map { " TTL \($0)" } ?? "") + " SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1"
        return [queryLog: TableFacts(table: queryLog, engine: "MergeTree", engineFull: engineFull, partitionKey: "toYYYYMM(event_date)",
                                     columnTypes: ["event_date": "Date"], totalBytes: 1000, definitionBytes: 5000)]
    }

    @Test func aSystemLogsTTLLastsOnlyWhenTheServerConfigGivesItTheSameDays() {
        let altered = facts(ttl: "event_date + toIntervalDay(10)")
        #expect(TTLPlanner().plan(rules: [rule], facts: altered)[0].warning == "set by ALTER only: lost at the next restart")
        #expect(TTLPlanner(serverConfigDays: ["query_log": 10]).plan(rules: [rule], facts: altered)[0].warning == nil)
        #expect(TTLPlanner(serverConfigDays: ["query_log": 30]).plan(rules: [rule], facts: altered)[0].warning
            == "the server config gives 30 days: the next restart brings them back")
        #expect(TTLPlanner(serverConfigDays: ["part_log": 10]).plan(rules: [rule], facts: altered)[0].warning
            == "set by ALTER only: lost at the next restart", "another log's days say nothing of this one")
        // Drift: an apply would set it by ALTER, so the plan says so before it.
        let drift = TTLPlanner().plan(rules: [rule], facts: facts(ttl: nil))[0]
        #expect(drift.action == .modify)
        #expect(drift.warning != nil)
    }

    @Test func onlySystemLogsThatGetATTLAreWarnedAbout() {
        let app = RetentionRule(table: QualifiedTableName("default.traces", defaultDatabase: "default")!,
                                column: SQLIdentifier("timestamp")!, days: 30, kind: .app)
        let traces = TableFacts(table: app.table, engine: "MergeTree", engineFull: "MergeTree ORDER BY id", partitionKey: "",
                                columnTypes: ["timestamp": "DateTime64(3)"], totalBytes: 1, definitionBytes: 100)
        #expect(TTLPlanner().plan(rules: [app], facts: [app.table: traces])[0].warning == nil, "an app table's ALTER lasts")
        #expect(TTLPlanner().plan(rules: [rule], facts: [:])[0].warning == nil, "a log the server does not keep")
        var tooLong = facts(ttl: nil)
        tooLong[queryLog]!.definitionBytes = 300_000
        let skipped = TTLPlanner().plan(rules: [rule], facts: tooLong)[0]
        #expect(skipped.action.description.hasPrefix("skip"))
        #expect(skipped.warning == nil)
    }

    @Test func theMarkerReadsBackOnlyAsLfmaintWritesIt() {
        let file = SystemLogServerConfig.byDefault(config: Configuration())
        #expect(SystemLogServerConfig.days(inMarker: file.markerValue)
            == Dictionary(uniqueKeysWithValues: file.logs.map { ($0.table, 10) }))
        for odd in ["", "query_log", "query_log=", "query_log=0", "query_log=-3", "query_log=18251", "query log=10",
                    "query_log=10,,part_log=1", "query_log=1e3", "query_log=10;DROP"] {
            #expect(SystemLogServerConfig.days(inMarker: odd) == nil, "\(odd)")
        }
    }

    @Test func theFileTurnsOnNoLogTheServerDoesNotKeepAndPutsTheSpanLogsTTLInItsEngine() {
        var config = Configuration()
        config.retention.systemLogDays = 14
        let v1 = SystemLogServerConfig.byDefault(config: config)
        let tables = Set(v1.logs.map(\.table))
        #expect(!tables.contains("session_log") && !tables.contains("zookeeper_log"), "off in ClickHouse's shipped config")
        #expect(tables.contains("query_log") && tables.contains("opentelemetry_span_log"))
        let xml = v1.xml()
        #expect(xml.contains("<query_log><ttl>event_date + INTERVAL 14 DAY DELETE</ttl>"
            + "<settings>ttl_only_drop_parts = 1</settings></query_log>"))
        #expect(xml.contains("<opentelemetry_span_log><engine>ENGINE = MergeTree PARTITION BY toYYYYMM(finish_date) ORDER BY "
            + "(finish_date, finish_time_us, trace_id) TTL finish_date + INTERVAL 14 DAY DELETE SETTINGS ttl_only_drop_parts = 1</engine>"))
        #expect(!xml.contains("<opentelemetry_span_log><ttl>"), "ClickHouse refuses to start with <ttl> beside the shipped <engine>")

        config.chart = .v2
        let v2 = SystemLogServerConfig.byDefault(config: config)
        #expect(v2.logs.map(\.table) == ["query_log", "part_log", "text_log"], "the operator's servers keep three logs")
        #expect(v2.chartV2Values().contains("      query_log:\n        ttl: \"event_date + INTERVAL 14 DAY DELETE\"\n"))
    }

    @Test func aSystemLogOverrideGivesItsOwnDaysAndTheServersKeysAreEscaped() {
        var config = Configuration()
        config.retention.tables = [TableRetention(database: SQLIdentifier("system"), table: SQLIdentifier("query_log")!,
                                                  column: nil, days: 3)]
        let rules = RetentionPolicy.scope(for: config, serverTables: [:]).rules
        let file = SystemLogServerConfig.forRules(rules, kept: ["query_log": ("toYYYYMM(event_date)", "event_date"),
                                                                "opentelemetry_span_log": ("finish_date < '<&>'", "finish_date")])
        #expect(file.markerValue == "query_log=3,opentelemetry_span_log=10")
        #expect(file.xml().contains("PARTITION BY finish_date &lt; '&lt;&amp;&gt;'"))
        #expect(file.chartV2Values().contains("\"ENGINE = MergeTree PARTITION BY finish_date < '<&>'"))
    }

    /// The files in k8s/components/clickhouse-system-log-ttl are the defaults rendered; LFMAINT_UPDATE_GOLDEN=1 rewrites them.
    @Test(arguments: [("lfmaint-system-log-ttl.xml", LangfuseDeployment.Chart.v1), ("chart-v2-values.yaml", .v2)])
    func theShippedFilesAreTheDefaultsRendered(name: String, chart: LangfuseDeployment.Chart) throws {
        let file = Repository.file("k8s/components/clickhouse-system-log-ttl/\(name)")
        var config = Configuration()
        config.chart = chart
        let rendered = chart == .v1
            ? SystemLogServerConfig.byDefault(config: config).xml()
            : SystemLogServerConfig.byDefault(config: config).chartV2Values()
        if ProcessInfo.processInfo.environment["LFMAINT_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: file, atomically: true, encoding: .utf8)
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == rendered)
    }
}
