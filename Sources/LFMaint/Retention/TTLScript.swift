import LFMaintEdges
import LFMaintSupport

/// The built-in retention policy as a SQL script an operator can read and run by hand
/// (`sql/clickhouse-ttl.sql`). It is rendered by the same planner `ttl apply` uses, so the two
/// cannot disagree; a test compares the file with this rendering.
enum TTLScript {
    static func render(config: Configuration = Configuration()) -> String {
        let rules = RetentionPolicy.defaultRules(for: config)
        var facts: [QualifiedTableName: TableFacts] = [:]
        for rule in rules {
            let type = rule.kind == .systemLog ? "Date" : LangfuseTables.entry(named: rule.table.table.name)?.timeType ?? "DateTime64(3)"
            facts[rule.table] = TableFacts(table: rule.table, engine: "MergeTree", engineFull: "MergeTree",
                                           partitionKey: "toYYYYMM(\(rule.column.name))", columnTypes: [rule.column.name: type], totalBytes: 0)
        }
        let rows = TTLPlanner().plan(rules: rules, facts: facts)
        var lines = [
            "-- lfmaint's default retention for a self-hosted Langfuse v3 or v4 ClickHouse (generated from the",
            "-- built-in policy; `lfmaint ttl apply` runs the same statements, only where they are needed).",
            "--",
            "-- App tables keep \(config.retention.appDays) days, system logs \(config.retention.systemLogDays) days. Nothing is rewritten now:",
            "-- materialize_ttl_after_modify = 0 leaves existing parts alone, and ttl_only_drop_parts = 1 makes",
            "-- expiry drop whole parts instead of rewriting them (so a part lives until its newest row expires).",
            "--",
            "-- Run by hand: clickhouse-client --multiquery --ignore-error < sql/clickhouse-ttl.sql",
            "-- (--ignore-error: tables your Langfuse version lacks, events_* before v4, and system logs your server",
            "-- does not enable do not exist, and metric_log's definition can be too large to ALTER; set its TTL in",
            "-- the server config instead). blob_storage_file_log is left out: it indexes the S3 files Langfuse deletes.",
            "-- Clustered installs (CLICKHOUSE_CLUSTER_ENABLED=true): add ON CLUSTER default after each table name.",
        ]
        var kind: RetentionRule.Kind?
        for (rule, row) in zip(rules, rows) {
            if rule.kind != kind {
                lines += ["", rule.kind == .app ? "-- Langfuse's tables" : "-- ClickHouse's system logs"]
                kind = rule.kind
            }
            lines += row.statements.map { "\($0);" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
