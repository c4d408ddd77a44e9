import LFMaintEdges
import LFMaintSupport

/// The `retention` section: the TTLs `lfmaint ttl apply` keeps.
struct RetentionSettings: Sendable, Equatable {
    var appDays = 30
    var systemLogDays = 10
    var tables: [TableRetention] = []

    static func read(_ section: inout YAMLSection) throws -> RetentionSettings {
        var settings = RetentionSettings()
        if let value = try section.int("appDays") { settings.appDays = value }
        if let value = try section.int("systemLogDays") { settings.systemLogDays = value }
        settings.tables = try section.sections("tables").map { item in
            var item = item
            guard let name = try item.string("table") else { throw ConfigError(key: item.keyPath("table"), "is required") }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map { SQLIdentifier(String($0)) }
            guard (1...2).contains(parts.count), let table = parts.last!, parts.count == 1 || parts[0] != nil else {
                throw ConfigError(key: item.keyPath("table"), "\"\(name)\" is not a valid [database.]table name ([A-Za-z_][A-Za-z0-9_]*)")
            }
            var column: SQLIdentifier?
            if let text = try item.string("column") {
                guard let valid = SQLIdentifier(text) else {
                    throw ConfigError(key: item.keyPath("column"), "\"\(text)\" is not a valid column name ([A-Za-z_][A-Za-z0-9_]*)")
                }
                column = valid
            }
            guard let days = try item.int("days") else { throw ConfigError(key: item.keyPath("days"), "is required") }
            guard days >= 1 else { throw ConfigError(key: item.keyPath("days"), "must be at least 1, got \(days)") }
            try item.finish()
            return TableRetention(database: parts.count == 2 ? parts[0] : nil, table: table, column: column, days: days)
        }
        try section.finish()
        return settings
    }

    /// `database`: the configured ClickHouse database, where a table named without one lives.
    func validate(database: String) throws {
        try ConfigValidation.days(appDays, key: "retention.appDays")
        try ConfigValidation.days(systemLogDays, key: "retention.systemLogDays")
        for (index, entry) in tables.enumerated() {
            let key = "retention.tables[\(index)]"
            try ConfigValidation.days(entry.days, key: key + ".days")
            if let reason = RetentionPolicy.refusal(for: entry, database: database) {
                throw ConfigError(key: key, "\(entry.table.name) is never expired by lfmaint: \(reason)")
            }
            if entry.column == nil, !RetentionPolicy.hasBuiltInRule(entry, database: database) {
                throw ConfigError(key: key + ".column", "is required for \(entry.table.name), which has no built-in rule")
            }
        }
    }
}

/// A per-table override of the built-in retention policy.
struct TableRetention: Sendable, Equatable {
    /// nil: the configured ClickHouse database (`clickhouse.database`, `CLICKHOUSE_DB`).
    var database: SQLIdentifier?
    var table: SQLIdentifier
    var column: SQLIdentifier?
    var days: Int

    init(database: SQLIdentifier? = nil, table: SQLIdentifier, column: SQLIdentifier?, days: Int) {
        self.database = database
        self.table = table
        self.column = column
        self.days = days
    }

    func qualified(defaultDatabase: SQLIdentifier) -> QualifiedTableName {
        QualifiedTableName(database: database ?? defaultDatabase, table: table)
    }
}
