/// ClickHouse's system log tables, which grow without bound unless given a TTL, and their date column.
public enum SystemLogTables {
    public static let dateColumns: [(table: String, column: String)] = [
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

    public static var names: [String] { dateColumns.map(\.table) }

    /// A rotated copy of a system log (`system.query_log_0`): the only tables lfmaint ever drops while
    /// the disk has headroom. Both planners ask this, whatever their reader gave them.
    public static func isRotated(_ table: QualifiedTableName) -> Bool {
        table.database.name == "system" && rotatedBase(of: table.table.name) != nil
    }

    /// The base table of a rotated copy: `query_log_0` → `query_log`; nil for anything else.
    public static func rotatedBase(of name: String) -> String? {
        guard let underscore = name.lastIndex(of: "_") else { return nil }
        let suffix = name[name.index(after: underscore)...]
        let base = String(name[..<underscore])
        guard !suffix.isEmpty, suffix.allSatisfy(\.isASCII), suffix.allSatisfy(\.isNumber), names.contains(base) else { return nil }
        return base
    }
}
