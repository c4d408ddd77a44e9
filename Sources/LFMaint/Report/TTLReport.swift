import Foundation

/// `ttl plan` and `ttl apply` output: an aligned table for people, a JSON array for programs.
public enum TTLReport {
    public static func text(_ rows: [TTLStep]) -> String {
        var table = TextTable(header: ["TABLE", "CURRENT", "DESIRED", "ACTION", "WHY"])
        var statements: [String] = []
        for row in rows {
            table.add([row.table.description, row.current ?? "-", row.desired ?? "-", row.action.description, row.reason ?? "-"])
            statements += row.statements.map { "\($0);" }
        }
        let pending = rows.filter(\.action.changesSomething).count
        var text = table.render() + "\n\n"
        text += pending == 0 ? "Nothing to change.\n" : "\(pending) table(s) to change; `lfmaint ttl apply` runs:\n" + statements.joined(separator: "\n") + "\n"
        return text + restartWarnings(rows)
    }

    /// One paragraph for every system log whose TTL a restart undoes, grouped by why.
    public static func restartWarnings(_ rows: [TTLStep]) -> String {
        let byWarning = Dictionary(grouping: rows.notLasting, by: { $0.warning ?? "" })
        guard !byWarning.isEmpty else { return "" }
        var text = "\nWarning: ClickHouse makes each system log anew from its server config when it starts, so these TTLs do not last:\n"
        for (warning, rows) in byWarning.sorted(by: { $0.key < $1.key }) {
            text += "  \(warning): \(rows.map(\.table.description).joined(separator: ", "))\n"
        }
        return text + "`lfmaint ttl server-config` prints the config.d file that makes them last "
            + "(k8s/components/clickhouse-system-log-ttl).\n"
    }

    public static func json(_ rows: [TTLStep]) -> String {
        JSONOutput.encodeArray(rows, object)
    }

    public static func text(_ outcomes: [TTLOutcome]) -> String {
        guard !outcomes.isEmpty else { return "Nothing to change: every TTL is as planned.\n" }
        var table = TextTable(header: ["TABLE", "ACTION", "STATUS", "VERIFIED", "MESSAGE"])
        for outcome in outcomes {
            table.add([outcome.row.table.description, outcome.row.action.description, outcome.status.rawValue,
                       outcome.verified ? "yes" : "no", outcome.message ?? ""])
        }
        return table.render() + "\n" + restartWarnings(outcomes.map(\.row))
    }

    public static func json(_ outcomes: [TTLOutcome]) -> String {
        JSONOutput.encode(outcomes.map { outcome in
            var entry = object(outcome.row)
            entry["status"] = outcome.status.rawValue
            entry["verified"] = outcome.verified
            entry["message"] = outcome.message ?? NSNull()
            return entry
        })
    }

    public static func object(_ row: TTLStep) -> [String: Any] {
        [
            "table": row.table.description,
            "current": row.current ?? NSNull(),
            "desired": row.desired ?? NSNull(),
            "action": row.action.description,
            "reason": row.reason ?? NSNull(),
            "warning": row.warning ?? NSNull(),
            "statement": row.statements.isEmpty ? NSNull() : row.statements.map(\.sql).joined(separator: ";\n") as Any,
        ]
    }
}
