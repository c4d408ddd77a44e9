/// The retention rules lfmaint keeps: Langfuse's app tables and ClickHouse's system logs by default,
/// with the operator's `retention.tables` entries replacing or adding rules.
public enum RetentionPolicy {
    /// Langfuse v3's time-partitioned tables and their time column.
    public static let appTables: [(table: String, column: String)] = [
        ("traces", "timestamp"),
        ("observations", "start_time"),
        ("scores", "timestamp"),
    ]

    public static func rules(for config: Configuration) -> [RetentionRule] {
        let database = SQLIdentifier(config.clickhouse.database)!
        let system = SQLIdentifier("system")!
        var rules = appTables.map { entry in
            RetentionRule(table: QualifiedTableName(database: database, table: SQLIdentifier(entry.table)!),
                          column: SQLIdentifier(entry.column)!, days: config.retention.appDays, kind: .app)
        }
        rules += SystemLogTables.dateColumns.map { entry in
            RetentionRule(table: QualifiedTableName(database: system, table: SQLIdentifier(entry.table)!),
                          column: SQLIdentifier(entry.column)!, days: config.retention.systemLogDays, kind: .systemLog)
        }
        for override in config.retention.tables {
            let table = override.qualified(defaultDatabase: database)
            if let index = rules.firstIndex(where: { $0.table == table }) {
                rules[index].days = override.days
                if let column = override.column { rules[index].column = column }
            } else if let column = override.column {
                rules.append(RetentionRule(table: table, column: column, days: override.days, kind: .configured))
            }
        }
        return rules
    }

    /// Whether lfmaint has a built-in rule for this table (so an override may leave out the column).
    public static func hasBuiltInRule(_ override: TableRetention, database: String) -> Bool {
        let qualified = override.qualified(defaultDatabase: SQLIdentifier(database)!)
        if qualified.database.name == "system" { return SystemLogTables.names.contains(qualified.table.name) }
        return qualified.database.name == database && appTables.contains { $0.table == qualified.table.name }
    }
}
