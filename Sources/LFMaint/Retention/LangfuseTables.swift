/// The tables Langfuse's migrations create (v3 and v4) and what lfmaint does with each. The retention
/// policy follows the tables the server has, so one configuration covers a Langfuse upgrade.
enum LangfuseTables {
    enum Role: Sendable, Equatable {
        /// Event data, expired `retention.appDays` after this column (ClickHouse TTL, cleanup).
        case expire(column: String)
        /// Expired only when `retention.tables` names it: the reason says what expiring it costs.
        case expireWhenConfigured(column: String, reason: String)
        /// Never touched by lfmaint, for this reason.
        case keep(reason: String)
    }

    struct Entry: Sendable, Equatable {
        let name: String
        let role: Role
        /// What the table holds, for `ttl plan`.
        let holds: String
        /// The time column's type in Langfuse's schema.
        var timeType = "DateTime64(3)"
    }

    static let entries: [Entry] = [
        Entry(name: "traces", role: .expire(column: "timestamp"), holds: "traces (v3, v4)"),
        Entry(name: "observations", role: .expire(column: "start_time"), holds: "observations (v3; v4 writes events_* instead)"),
        Entry(name: "scores", role: .expire(column: "timestamp"), holds: "scores (v3, v4)"),
        Entry(name: "events_full", role: .expire(column: "start_time"), holds: "spans with their input and output (v4)",
              timeType: "DateTime64(6)"),
        Entry(name: "events_core", role: .expire(column: "start_time"), holds: "spans without input and output (v4)",
              timeType: "DateTime64(6)"),
        Entry(name: "blob_storage_file_log", role: .expireWhenConfigured(column: "created_at", reason:
            "indexes the S3 files Langfuse deletes with a project or trace; expired, those files stay in the bucket for ever; "
            + "name it in retention.tables to expire it"), holds: "an index of S3 files"),
        Entry(name: "observations_batch_staging", role: .keep(reason: "Langfuse's own TTL (48 hours) expires it"),
              holds: "observations waiting to be written (v4)"),
        Entry(name: "dataset_run_items_rmt", role: .keep(reason: "user-curated dataset runs: never deleted"), holds: "dataset run items"),
        Entry(name: "dataset_run_items", role: .keep(reason: "user-curated dataset runs: never deleted"), holds: "dataset run items (v3)"),
        Entry(name: "event_log", role: .expireWhenConfigured(column: "created_at", reason:
            "Langfuse v3's index of S3 event files (v4 drops it); name it in retention.tables to expire it"), holds: "an index of S3 event files (v3)"),
        Entry(name: "project_environments", role: .keep(reason: "Langfuse's list of environments (v3)"), holds: "environments (v3)"),
        Entry(name: "schema_migrations", role: .keep(reason: "Langfuse's record of its migrations"), holds: "applied migrations"),
    ]

    static func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The time column of a table lfmaint can expire (always or when configured).
    static func timeColumn(of name: String) -> String? {
        switch entry(named: name)?.role {
        case .expire(let column), .expireWhenConfigured(let column, _): column
        default: nil
        }
    }

    /// The tables expired by default, for the script in `sql/` and for tests.
    static var expiring: [(table: String, column: String, type: String)] {
        entries.compactMap { entry in
            guard case .expire(let column) = entry.role else { return nil }
            return (entry.name, column, entry.timeType)
        }
    }
}
