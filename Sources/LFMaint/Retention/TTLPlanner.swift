/// Compares each rule with what the server has and says what to run. Pure: the same facts always
/// give the same plan, so it is tested with plain values.
public struct TTLPlanner: Sendable {
    /// `ON CLUSTER `name`` or empty.
    public var onCluster: String
    public var dropRotatedLogs: Bool
    /// The server's `max_query_size`; ClickHouse refuses an ALTER whose resulting definition is longer.
    public var maxQuerySize: Int
    public static let defaultMaxQuerySize = 262_144

    public init(onCluster: String = "", dropRotatedLogs: Bool = false, maxQuerySize: Int = TTLPlanner.defaultMaxQuerySize) {
        self.onCluster = onCluster
        self.dropRotatedLogs = dropRotatedLogs
        self.maxQuerySize = maxQuerySize
    }

    public func plan(rules: [RetentionRule], facts: [QualifiedTableName: TableFacts], rotatedLogs: [TableSize] = []) -> [TTLPlanRow] {
        rules.map { rule in
            guard let table = facts[rule.table] else {
                return TTLPlanRow(table: rule.table, current: nil, desired: nil, action: .skip("table missing"))
            }
            return plan(rule, table)
        } + rotatedLogs.map(plan)
    }

    func plan(_ rule: RetentionRule, _ table: TableFacts) -> TTLPlanRow {
        let clauses = EngineClauses(engineFull: table.engineFull)
        var row = TTLPlanRow(table: rule.table, current: clauses.ttl, desired: nil, action: .none, totalBytes: table.totalBytes)
        guard table.engine.hasSuffix("MergeTree") else {
            row.action = .skip("unsupported (engine \(table.engine) has no TTL)")
            return row
        }
        guard let type = table.columnTypes[rule.column.name] else {
            row.action = .skip("unsupported (no column \(rule.column.name))")
            return row
        }
        guard let expression = Self.ttlExpression(column: rule.column, type: type, days: rule.days) else {
            row.action = .skip("unsupported (column \(rule.column.name) is \(type), not a date)")
            return row
        }
        row.desired = expression
        if table.definitionBytes + 200 >= maxQuerySize {
            row.action = .skip("unsupported (its definition is \(table.definitionBytes) bytes, near max_query_size \(maxQuerySize): "
                + "ClickHouse refuses any ALTER; set its TTL in the server config instead)")
            return row
        }
        if let current = clauses.ttl, SimpleTTL(current) == nil, Self.hasRulesBeyondDelete(current) {
            row.action = .skip("unsupported (current TTL has move, recompress, group or conditional rules lfmaint will not replace)")
            return row
        }
        let name = "\(rule.table.quoted)\(onCluster)"
        if Self.isPartitioned(by: rule.column, key: table.partitionKey), clauses.settings["ttl_only_drop_parts"] != "1" {
            row.statements.append("ALTER TABLE \(name) MODIFY SETTING ttl_only_drop_parts = 1")
        }
        if clauses.ttl.flatMap(SimpleTTL.init) != SimpleTTL(column: rule.column.name, days: rule.days) {
            row.statements.append("ALTER TABLE \(name) MODIFY TTL \(expression) SETTINGS materialize_ttl_after_modify = 0")
        }
        row.action = row.statements.isEmpty ? .none : .modify
        return row
    }

    func plan(_ rotated: TableSize) -> TTLPlanRow {
        guard SystemLogTables.isRotated(rotated.table) else {
            return TTLPlanRow(table: rotated.table, current: nil, desired: nil, action: .skip("not a rotated system log: never dropped"),
                              totalBytes: rotated.totalBytes)
        }
        guard dropRotatedLogs else {
            return TTLPlanRow(table: rotated.table, current: nil, desired: nil,
                              action: .skip("rotated log, \(ByteCount.readable(rotated.totalBytes)); --drop-rotated-logs drops it"),
                              totalBytes: rotated.totalBytes)
        }
        return TTLPlanRow(table: rotated.table, current: nil, desired: nil, action: .drop,
                          statements: ["DROP TABLE IF EXISTS \(rotated.table.quoted)\(onCluster) SYNC"], totalBytes: rotated.totalBytes)
    }

    /// `col + INTERVAL N DAY` for Date and DateTime; `toDateTime(col) + …` for DateTime64, which
    /// ClickHouse before 25.7 refuses in a TTL.
    static func ttlExpression(column: SQLIdentifier, type: String, days: Int) -> String? {
        var base = type
        if base.hasPrefix("LowCardinality(") { return nil }
        if base.hasPrefix("Nullable(") { return nil }
        base = String(base.prefix { $0 != "(" })
        switch base {
        case "Date", "Date32", "DateTime": return "\(column.quoted) + INTERVAL \(days) DAY"
        case "DateTime64": return "toDateTime(\(column.quoted)) + INTERVAL \(days) DAY"
        default: return nil
        }
    }

    static func isPartitioned(by column: SQLIdentifier, key: String) -> Bool {
        key.split { !($0.isLetter || $0.isNumber || $0 == "_") }.contains { $0 == column.name }
    }

    static func hasRulesBeyondDelete(_ clause: String) -> Bool {
        if EngineClauses.splitTopLevel(clause, on: ",").count > 1 { return true }
        return [" TO DISK ", " TO VOLUME ", " GROUP BY ", " RECOMPRESS ", " WHERE ", " SET "].contains { clause.contains($0) }
    }
}
