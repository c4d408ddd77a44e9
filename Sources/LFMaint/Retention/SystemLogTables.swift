import LFMaintSupport

/// ClickHouse's system log tables, which grow without bound unless given a TTL, and their date column.
enum SystemLogTables {
    static let dateColumns: [(table: String, column: String)] = [
        ("query_log", "event_date"),
        ("query_thread_log", "event_date"),
        ("query_views_log", "event_date"),
        ("part_log", "event_date"),
        ("trace_log", "event_date"),
        ("text_log", "event_date"),
        ("metric_log", "event_date"),
        ("asynchronous_metric_log", "event_date"),
        ("processors_profile_log", "event_date"),
        ("opentelemetry_span_log", "finish_date"),
        ("latency_log", "event_date"),
        ("error_log", "event_date"),
        ("session_log", "event_date"),
        ("zookeeper_log", "event_date"),
        ("asynchronous_insert_log", "event_date"),
        ("backup_log", "event_date"),
        ("blob_storage_log", "event_date"),
        ("s3queue_log", "event_date"),
    ]

    static var names: [String] { dateColumns.map(\.table) }

    /// One of ClickHouse's own logs, live or rotated: its rows are kept at least a day, not the app floor.
    static func isSystemLog(_ table: QualifiedTableName) -> Bool {
        table.database.name == "system" && (names.contains(table.table.name) || rotatedBase(of: table.table.name) != nil)
    }

    /// A table each ClickHouse server keeps for itself (its logs, in `system`): on several replicas it is
    /// read, planned and cleaned on each server apart, never as one table held by all.
    static func isEachServersOwn(_ table: QualifiedTableName) -> Bool {
        table.database.name == "system"
    }

    /// A system log lfmaint may drop whole when nothing else can run: never query_log, which Langfuse reads.
    static func isExpendable(_ table: QualifiedTableName) -> Bool {
        isSystemLog(table) && table.table.name != "query_log"
    }

    /// A rotated copy of a system log (`system.query_log_0`): the only tables lfmaint ever drops while
    /// the disk has headroom. Both planners ask this, whatever their reader gave them.
    static func isRotated(_ table: QualifiedTableName) -> Bool {
        table.database.name == "system" && rotatedBase(of: table.table.name) != nil
    }

    /// Whether a table's columns make it a copy of the server's own log `base`: ClickHouse renames a
    /// log whose definition changed (an upgrade, a TTL set by ALTER) to `<base>_N`, so its columns are
    /// the log's own, give or take the few a release adds or drops. Same date column, and at least
    /// three quarters of the columns of each found in the other; without the live log, nothing to compare.
    static func isCopy(_ columns: [String: String], of base: String, liveColumns: [String: String]) -> Bool {
        guard let date = dateColumns.first(where: { $0.table == base })?.column, !liveColumns.isEmpty,
              columns[date] == "Date", liveColumns[date] == "Date" else { return false }
        let shared = Set(columns.keys).intersection(liveColumns.keys).count
        return shared * 4 >= columns.count * 3 && shared * 4 >= liveColumns.count * 3
    }

    /// The base table of a rotated copy: `query_log_0` → `query_log`; nil for anything else.
    static func rotatedBase(of name: String) -> String? {
        guard let underscore = name.lastIndex(of: "_") else { return nil }
        let suffix = name[name.index(after: underscore)...]
        let base = String(name[..<underscore])
        guard !suffix.isEmpty, suffix.allSatisfy(\.isASCII), suffix.allSatisfy(\.isNumber), names.contains(base) else { return nil }
        return base
    }
}
