import LFMaintEdges
import LFMaintSupport

/// Compares each rule with what the server has and says what to run. Pure: the same facts always
/// give the same plan, so it is tested with plain values.
struct TTLPlanner: Sendable {
    var cluster: ClusterClause
    var dropRotatedLogs: Bool
    /// The server's `max_query_size`; ClickHouse refuses an ALTER whose resulting definition is longer.
    var maxQuerySize: Int
    static let defaultMaxQuerySize = 262_144
    /// The days the server's config gives each system log (`SystemLogServerConfig`'s marker); empty: none.
    var serverConfigDays: [String: Int]

    init(cluster: ClusterClause = .none, dropRotatedLogs: Bool = false, maxQuerySize: Int = TTLPlanner.defaultMaxQuerySize,
                serverConfigDays: [String: Int] = [:]) {
        self.cluster = cluster
        self.dropRotatedLogs = dropRotatedLogs
        self.maxQuerySize = maxQuerySize
        self.serverConfigDays = serverConfigDays
    }

    func plan(rules: [RetentionRule], facts: [QualifiedTableName: TableFacts], rotatedLogs: [TableSize] = [],
                     untouched: [RetentionPolicy.Untouched] = []) -> [TTLStep] {
        let ruled = rules.map { rule in
            guard let table = facts[rule.table] else {
                return TTLStep(table: rule.table, current: nil, desired: nil, action: .skip("table missing"), reason: rule.reason)
            }
            var row = plan(rule, table)
            row.reason = rule.reason
            row.warning = restartWarning(rule, row)
            return row
        }
        let left = untouched.map { entry in
            TTLStep(table: entry.table, current: facts[entry.table].flatMap { EngineClauses(engineFull: $0.engineFull).ttl }, desired: nil,
                       action: .leave(entry.reason), totalBytes: facts[entry.table]?.totalBytes)
        }
        return ruled + left + rotatedLogs.map(plan)
    }

    func plan(_ rule: RetentionRule, _ table: TableFacts) -> TTLStep {
        let clauses = EngineClauses(engineFull: table.engineFull)
        var row = TTLStep(table: rule.table, current: clauses.ttl, desired: nil, action: .none, totalBytes: table.totalBytes)
        guard table.engine.hasSuffix("MergeTree") else {
            row.action = .skip("unsupported (engine \(table.engine) has no TTL)")
            return row
        }
        guard let type = table.columnTypes[rule.column.name] else {
            row.action = .skip("unsupported (no column \(rule.column.name))")
            return row
        }
        guard let column = TimeColumn(name: rule.column, type: type) else {
            row.action = .skip("unsupported (column \(rule.column.name) is \(type), not a date)")
            return row
        }
        let expression = TTLExpression(column: rule.column, kind: column.kind, days: rule.days)
        row.desired = expression.sql
        if table.definitionBytes + 200 >= maxQuerySize {
            row.action = .skip("unsupported (its definition is \(table.definitionBytes) bytes, near max_query_size \(maxQuerySize): "
                + "ClickHouse refuses any ALTER; set its TTL in the server config instead)")
            return row
        }
        if let current = clauses.ttl, SimpleTTL(current) == nil, Self.hasRulesBeyondDelete(current) {
            row.action = .skip("unsupported (current TTL has move, recompress, group or conditional rules lfmaint will not replace)")
            return row
        }
        if Self.isPartitioned(by: rule.column, key: table.partitionKey), clauses.settings["ttl_only_drop_parts"] != "1" {
            row.statements.append(.modifySettings(rule.table, [TableSetting("ttl_only_drop_parts", 1)], cluster))
        }
        if clauses.ttl.flatMap(SimpleTTL.init) != SimpleTTL(column: rule.column.name, days: rule.days) {
            row.statements.append(.modifyTTL(rule.table, expression, cluster))
        }
        row.action = row.statements.isEmpty ? .none : .modify
        return row
    }

    /// A system log's TTL lasts only if the server's config gives it: ClickHouse makes the log anew from
    /// its config at start, so a TTL set by ALTER (or the days an ALTER changed) is lost then.
    func restartWarning(_ rule: RetentionRule, _ row: TTLStep) -> String? {
        guard rule.kind == .systemLog, row.desired != nil, row.action == .none || row.action == .modify else { return nil }
        switch serverConfigDays[rule.table.table.name] {
        case rule.days: return nil
        case let days?: return "the server config gives \(days) days: the next restart brings them back"
        case nil: return "set by ALTER only: lost at the next restart"
        }
    }

    func plan(_ rotated: TableSize) -> TTLStep {
        guard SystemLogTables.isRotated(rotated.table) else {
            return TTLStep(table: rotated.table, current: nil, desired: nil, action: .skip("not a rotated system log: never dropped"),
                              totalBytes: rotated.totalBytes)
        }
        guard dropRotatedLogs else {
            return TTLStep(table: rotated.table, current: nil, desired: nil,
                              action: .skip("rotated log, \(ByteCount.readable(rotated.totalBytes)); --drop-rotated-logs drops it"),
                              totalBytes: rotated.totalBytes)
        }
        return TTLStep(table: rotated.table, current: nil, desired: nil, action: .drop,
                          statements: [.dropTable(rotated.table, cluster)], totalBytes: rotated.totalBytes)
    }

    static func isPartitioned(by column: SQLIdentifier, key: String) -> Bool {
        key.split { !($0.isLetter || $0.isNumber || $0 == "_") }.contains { $0 == column.name }
    }

    static func hasRulesBeyondDelete(_ clause: String) -> Bool {
        if EngineClauses.splitTopLevel(clause, on: ",").count > 1 { return true }
        return [" TO DISK ", " TO VOLUME ", " GROUP BY ", " RECOMPRESS ", " WHERE ", " SET "].contains { clause.contains($0) }
    }
}
