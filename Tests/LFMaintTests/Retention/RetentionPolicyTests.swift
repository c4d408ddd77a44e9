import Foundation
import LFMaint
import Testing

@Suite("Retention policy")
struct RetentionPolicyTests {
    @Test func defaultsCoverLangfuseTablesAndSystemLogs() throws {
        let rules = RetentionPolicy.rules(for: Configuration())
        let byName = Dictionary(uniqueKeysWithValues: rules.map { ($0.table.description, $0) })
        #expect(byName["default.traces"]?.column.name == "timestamp")
        #expect(byName["default.observations"]?.column.name == "start_time")
        #expect(byName["default.scores"]?.days == 30)
        #expect(byName["system.query_log"]?.days == 10)
        #expect(byName["system.opentelemetry_span_log"]?.column.name == "finish_date")
        #expect(byName["default.event_log"] == nil)
    }

    @Test func overridesReplaceDaysAndAddTablesInTheConfiguredDatabase() throws {
        let config = try ConfigurationLoader.load(yaml: """
            retention:
              appDays: 45
              tables:
                - {table: traces, days: 60}
                - {table: system.query_log, days: 3}
                - {table: event_log, column: created_at, days: 14}
            """, environment: ["CLICKHOUSE_DB": "langfuse"])
        let byName = Dictionary(uniqueKeysWithValues: RetentionPolicy.rules(for: config).map { ($0.table.description, $0) })
        #expect(byName["langfuse.traces"]?.days == 60)
        #expect(byName["langfuse.observations"]?.days == 45)
        #expect(byName["system.query_log"]?.days == 3)
        #expect(byName["langfuse.event_log"] == RetentionRule(table: QualifiedTableName("langfuse.event_log", defaultDatabase: "")!,
                                                              column: SQLIdentifier("created_at")!, days: 14, kind: .configured))
    }

    /// sql/clickhouse-ttl.sql is the built-in policy rendered; set LFMAINT_UPDATE_GOLDEN=1 to rewrite it.
    @Test func theShippedSQLFileIsTheBuiltInPolicy() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sql/clickhouse-ttl.sql")
        let rendered = TTLScript.render()
        if ProcessInfo.processInfo.environment["LFMAINT_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: file, atomically: true, encoding: .utf8)
        }
        let shipped = try String(contentsOf: file, encoding: .utf8)
        #expect(shipped == rendered)
        #expect(shipped.contains("ALTER TABLE `default`.`traces` MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;"))
        #expect(shipped.contains("ALTER TABLE `system`.`query_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;"))
    }
}
