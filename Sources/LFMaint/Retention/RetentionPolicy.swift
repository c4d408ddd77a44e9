import LFMaintSupport

/// The retention rules lfmaint keeps, from the tables the server has: Langfuse's own (`LangfuseTables`)
/// in the configured database and ClickHouse's system logs, with `retention.tables` replacing or adding rules.
enum RetentionPolicy {
    /// What the policy does with one server's tables.
    struct Scope: Sendable, Equatable {
        var rules: [RetentionRule]
        /// Tables in Langfuse's database that get no rule, and why.
        var untouched: [Untouched]

        init(rules: [RetentionRule], untouched: [Untouched] = []) {
            self.rules = rules
            self.untouched = untouched
        }
    }

    struct Untouched: Sendable, Equatable {
        var table: QualifiedTableName
        var reason: String
    }

    /// `serverTables`: each table in the configured database, by name, with its engine.
    static func scope(for config: Configuration, serverTables: [String: String]) -> Scope {
        let database = SQLIdentifier(config.clickhouse.database)!
        var overrides: [QualifiedTableName: TableRetention] = [:]
        for entry in config.retention.tables { overrides[entry.qualified(defaultDatabase: database)] = entry }
        var scope = Scope(rules: [])
        for (name, engine) in serverTables.sorted(by: { $0.key < $1.key }) {
            guard let identifier = SQLIdentifier(name) else { continue }
            let table = QualifiedTableName(database: database, table: identifier)
            let override = overrides.removeValue(forKey: table)
            switch decision(for: table, engine: engine, override: override, config: config) {
            case .expire(let rule): scope.rules.append(rule)
            case .leave(let reason): scope.untouched.append(Untouched(table: table, reason: reason))
            }
        }
        let system = SQLIdentifier("system")!
        scope.rules += SystemLogTables.dateColumns.map { entry in
            let table = QualifiedTableName(database: system, table: SQLIdentifier(entry.table)!)
            let override = overrides.removeValue(forKey: table)
            return RetentionRule(table: table, column: override?.column ?? SQLIdentifier(entry.column)!,
                                 days: override?.days ?? config.retention.systemLogDays, kind: .systemLog,
                                 reason: override == nil ? "ClickHouse's own log (retention.systemLogDays)" : "ClickHouse's own log (retention.tables)")
        }
        // Named in retention.tables but not on the server (or in another database): the plan says so.
        for entry in config.retention.tables {
            let table = entry.qualified(defaultDatabase: database)
            guard overrides.removeValue(forKey: table) != nil,
                  let column = entry.column ?? LangfuseTables.timeColumn(of: table.table.name).flatMap(SQLIdentifier.init) else { continue }
            scope.rules.append(RetentionRule(table: table, column: column, days: entry.days, kind: .configured, reason: "retention.tables"))
        }
        return scope
    }

    private enum Decision {
        case expire(RetentionRule)
        case leave(reason: String)
    }

    private static func decision(for table: QualifiedTableName, engine: String, override: TableRetention?, config: Configuration) -> Decision {
        let entry = LangfuseTables.entry(named: table.table.name)
        switch entry?.role {
        case .expire(let column):
            return .expire(RetentionRule(table: table, column: override?.column ?? SQLIdentifier(column)!, days: override?.days ?? config.retention.appDays,
                                         kind: .app, reason: "\(entry!.holds) (\(override == nil ? "retention.appDays" : "retention.tables"))"))
        case .expireWhenConfigured(let column, let reason):
            guard let override else { return .leave(reason: reason) }
            return .expire(RetentionRule(table: table, column: override.column ?? SQLIdentifier(column)!, days: override.days, kind: .configured,
                                         reason: "\(entry!.holds) (retention.tables)"))
        case .keep(let reason):
            return .leave(reason: reason)
        case nil:
            if let override, let column = override.column {
                return .expire(RetentionRule(table: table, column: column, days: override.days, kind: .configured, reason: "retention.tables"))
            }
            return .leave(reason: engine.hasSuffix("MergeTree")
                ? "not one of Langfuse's tables: left alone (name it in retention.tables to expire it)"
                : "\(engine): holds no rows of its own")
        }
    }

    /// The rules for a server holding every table Langfuse v3 and v4 expire (the script in `sql/`).
    static func defaultRules(for config: Configuration) -> [RetentionRule] {
        scope(for: config, serverTables: Dictionary(uniqueKeysWithValues: LangfuseTables.expiring.map { ($0.table, "ReplacingMergeTree") })).rules
    }

    /// Whether lfmaint knows this table's time column (so an override may leave out the column).
    static func hasBuiltInRule(_ override: TableRetention, database: String) -> Bool {
        let qualified = override.qualified(defaultDatabase: SQLIdentifier(database)!)
        if qualified.database.name == "system" { return SystemLogTables.names.contains(qualified.table.name) }
        return qualified.database.name == database && LangfuseTables.timeColumn(of: qualified.table.name) != nil
    }

    /// Why `retention.tables` may not name this table: it holds data lfmaint never deletes.
    static func refusal(for override: TableRetention, database: String) -> String? {
        let qualified = override.qualified(defaultDatabase: SQLIdentifier(database)!)
        guard qualified.database.name == database, case .keep(let reason)? = LangfuseTables.entry(named: qualified.table.name)?.role else {
            return nil
        }
        return reason
    }
}
