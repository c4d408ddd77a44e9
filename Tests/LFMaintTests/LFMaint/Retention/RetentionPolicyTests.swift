import Foundation
@testable import LFMaint
@testable import LFMaintSupport
import Testing

@Suite("Retention policy")
struct RetentionPolicyTests {
    static let v4Tables = ["traces": "ReplacingMergeTree", "observations": "ReplacingMergeTree", "scores": "ReplacingMergeTree",
                           "events_full": "ReplacingMergeTree", "events_core": "ReplacingMergeTree", "events_core_mv": "MaterializedView",
                           "observations_batch_staging": "ReplacingMergeTree", "blob_storage_file_log": "ReplacingMergeTree",
                           "dataset_run_items_rmt": "ReplacingMergeTree", "schema_migrations": "MergeTree", "analytics_traces": "View"]
    static let v3Tables = ["traces": "ReplacingMergeTree", "observations": "ReplacingMergeTree", "scores": "ReplacingMergeTree",
                           "event_log": "MergeTree", "blob_storage_file_log": "ReplacingMergeTree", "dataset_run_items": "ReplacingMergeTree",
                           "project_environments": "ReplacingMergeTree", "schema_migrations": "MergeTree"]

    static func byName(_ rules: [RetentionRule]) -> [String: RetentionRule] {
        Dictionary(uniqueKeysWithValues: rules.map { ($0.table.description, $0) })
    }

    @Test func aV4ServerGetsRulesForItsEventTablesAndLeavesTheRestWithAReason() throws {
        let scope = RetentionPolicy.scope(for: Configuration(), serverTables: Self.v4Tables)
        let rules = Self.byName(scope.rules)
        let app = scope.rules.filter { $0.kind == .app }.map { "\($0.table.table.name).\($0.column.name)" }
        #expect(app == ["events_core.start_time", "events_full.start_time", "observations.start_time", "scores.timestamp", "traces.timestamp"])
        #expect(scope.rules.filter { $0.kind == .app }.allSatisfy { $0.days == 30 && $0.reason.contains("retention.appDays") })
        #expect(rules["system.query_log"]?.days == 10)
        #expect(rules["system.opentelemetry_span_log"]?.column.name == "finish_date")
        let left = Dictionary(uniqueKeysWithValues: scope.untouched.map { ($0.table.table.name, $0.reason) })
        #expect(Set(left.keys) == ["events_core_mv", "observations_batch_staging", "blob_storage_file_log", "dataset_run_items_rmt",
                                   "schema_migrations", "analytics_traces"])
        #expect(left["observations_batch_staging"]?.contains("own TTL") == true)
        #expect(left["dataset_run_items_rmt"]?.contains("never deleted") == true)
        #expect(left["blob_storage_file_log"]?.contains("retention.tables") == true)
        #expect(left["events_core_mv"]?.contains("no rows") == true)
    }

    @Test func aV3ServerGetsNoRuleForTablesItLacks() throws {
        let scope = RetentionPolicy.scope(for: Configuration(), serverTables: Self.v3Tables)
        #expect(scope.rules.filter { $0.kind != .systemLog }.map(\.table.table.name) == ["observations", "scores", "traces"])
        #expect(Set(scope.untouched.map(\.table.table.name)) == ["blob_storage_file_log", "dataset_run_items", "event_log",
                                                                   "project_environments", "schema_migrations"])
    }

    @Test func anUnknownTableIsLeftAloneUnlessConfigured() throws {
        let tables = ["traces": "ReplacingMergeTree", "audit": "MergeTree"]
        #expect(RetentionPolicy.scope(for: Configuration(), serverTables: tables).untouched.map(\.table.table.name) == ["audit"])
        let config = try ConfigurationLoader.load(yaml: "retention: {tables: [{table: audit, column: at, days: 40}]}")
        let scope = RetentionPolicy.scope(for: config, serverTables: tables)
        #expect(scope.untouched.isEmpty)
        #expect(Self.byName(scope.rules)["default.audit"] == RetentionRule(
            table: QualifiedTableName("default.audit", defaultDatabase: "")!, column: SQLIdentifier("at")!, days: 40, kind: .configured,
            reason: "retention.tables"))
    }

    @Test func overridesReplaceDaysAndAddTablesInTheConfiguredDatabase() throws {
        let config = try ConfigurationLoader.load(yaml: """
            retention:
              appDays: 45
              tables:
                - {table: traces, days: 60}
                - {table: system.query_log, days: 3}
                - {table: blob_storage_file_log, days: 400}
                - {table: later_table, column: created_at, days: 14}
            """, environment: ["CLICKHOUSE_DB": "langfuse"])
        let scope = RetentionPolicy.scope(for: config, serverTables: Self.v4Tables)
        let rules = Self.byName(scope.rules)
        #expect(rules["langfuse.traces"]?.days == 60)
        #expect(rules["langfuse.observations"]?.days == 45)
        #expect(rules["langfuse.events_full"]?.days == 45)
        #expect(rules["system.query_log"]?.days == 3)
        #expect(rules["langfuse.blob_storage_file_log"]?.column.name == "created_at")
        #expect(rules["langfuse.blob_storage_file_log"]?.days == 400)
        #expect(!scope.untouched.contains { $0.table.table.name == "blob_storage_file_log" })
        // Not on the server yet: a rule all the same, which `ttl plan` shows as missing.
        #expect(rules["langfuse.later_table"]?.kind == .configured)
    }

    @Test(arguments: ["dataset_run_items_rmt", "observations_batch_staging", "schema_migrations"])
    func tablesLfmaintNeverExpiresCannotBeConfigured(table: String) {
        #expect(throws: ConfigError.self) {
            try ConfigurationLoader.load(yaml: "retention: {tables: [{table: \(table), column: created_at, days: 400}]}")
        }
    }

    /// sql/clickhouse-ttl.sql is the built-in policy rendered; set LFMAINT_UPDATE_GOLDEN=1 to rewrite it.
    @Test func theShippedSQLFileIsTheBuiltInPolicy() throws {
        let file = Repository.file("sql/clickhouse-ttl.sql")
        let rendered = TTLScript.render()
        if ProcessInfo.processInfo.environment["LFMAINT_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: file, atomically: true, encoding: .utf8)
        }
        let shipped = try String(contentsOf: file, encoding: .utf8)
        #expect(shipped == rendered)
        #expect(shipped.contains("ALTER TABLE `default`.`traces` MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;"))
        #expect(shipped.contains("ALTER TABLE `default`.`events_full` MODIFY TTL toDateTime(`start_time`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;"))
        #expect(!shipped.contains("`blob_storage_file_log`"))
        #expect(shipped.contains("ALTER TABLE `system`.`query_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;"))
    }
}
