@testable import LFMaint
@testable import LFMaintSupport
import Testing

@Suite("TTL planner")
struct TTLPlannerTests {
    let traces = QualifiedTableName("default.traces", defaultDatabase: "default")!
    var rule: RetentionRule { RetentionRule(table: traces, column: SQLIdentifier("timestamp")!, days: 30, kind: .app) }

    func facts(engineFull: String = "ReplacingMergeTree(event_ts, is_deleted) PARTITION BY toYYYYMM(timestamp) ORDER BY (project_id, id) SETTINGS index_granularity = 8192",
               engine: String = "ReplacingMergeTree", partitionKey: String = "toYYYYMM(timestamp)",
               type: String = "DateTime64(3)", definitionBytes: Int = 900) -> [QualifiedTableName: TableFacts] {
        [traces: TableFacts(table: traces, engine: engine, engineFull: engineFull, partitionKey: partitionKey,
                            columnTypes: ["timestamp": type, "id": "String"], totalBytes: 1000, definitionBytes: definitionBytes)]
    }

    @Test func aTableWithoutTTLGetsTheSettingFirstThenTheTTL() {
        let row = TTLPlanner().plan(rules: [rule], facts: facts())[0]
        #expect(row.action == .modify)
        #expect(row.current == nil)
        #expect(row.desired == "toDateTime(`timestamp`) + INTERVAL 30 DAY")
        #expect(row.statements.map(\.sql) == [
            "ALTER TABLE `default`.`traces` MODIFY SETTING ttl_only_drop_parts = 1",
            "ALTER TABLE `default`.`traces` MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0",
        ])
    }

    @Test func theServersNormalisedFormOfTheSameTTLIsNoChange() {
        let engineFull = "ReplacingMergeTree(event_ts, is_deleted) PARTITION BY toYYYYMM(timestamp) ORDER BY id TTL toDateTime(timestamp) + toIntervalDay(30) SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1"
        let row = TTLPlanner().plan(rules: [rule], facts: facts(engineFull: engineFull))[0]
        #expect(row.action == .none)
        #expect(row.current == "toDateTime(timestamp) + toIntervalDay(30)")
        #expect(row.statements.isEmpty)
    }

    @Test func aDifferentNumberOfDaysIsDrift() {
        let engineFull = "MergeTree PARTITION BY toYYYYMM(timestamp) ORDER BY id TTL toDateTime(timestamp) + toIntervalDay(90) SETTINGS ttl_only_drop_parts = 1"
        let row = TTLPlanner().plan(rules: [rule], facts: facts(engineFull: engineFull))[0]
        #expect(row.action == .modify)
        #expect(row.statements.map(\.sql) == ["ALTER TABLE `default`.`traces` MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0"])
    }

    @Test func clusterModeRunsEveryStatementOnTheCluster() {
        let row = TTLPlanner(cluster: .onCluster(SQLIdentifier("default")!)).plan(rules: [rule], facts: facts())[0]
        #expect(row.statements.count == 2)
        #expect(row.statements.map(\.sql).allSatisfy { $0.hasPrefix("ALTER TABLE `default`.`traces` ON CLUSTER `default` MODIFY ") })
    }

    @Test func aTableNotPartitionedByTheColumnDoesNotGetTtlOnlyDropParts() {
        let row = TTLPlanner().plan(rules: [rule], facts: facts(engineFull: "MergeTree ORDER BY id", engine: "MergeTree", partitionKey: ""))[0]
        #expect(row.statements.map(\.sql) == ["ALTER TABLE `default`.`traces` MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0"])
    }

    @Test func aDateColumnIsUsedAsItIs() {
        let row = TTLPlanner().plan(rules: [rule], facts: facts(type: "Date"))[0]
        #expect(row.desired == "`timestamp` + INTERVAL 30 DAY")
    }

    @Test(arguments: [
        ("missing", "skip: table missing"),
        ("Memory", "skip: unsupported (engine Memory has no TTL)"),
        ("String", "skip: unsupported (column timestamp is String, not a date)"),
        ("Nullable(DateTime64(3))", "skip: unsupported (column timestamp is Nullable(DateTime64(3)), not a date)"),
        ("nocolumn", "skip: unsupported (no column timestamp)"),
        ("move", "skip: unsupported (current TTL has move, recompress, group or conditional rules lfmaint will not replace)"),
        ("huge", "skip: unsupported (its definition is 300000 bytes, near max_query_size 262144: ClickHouse refuses any ALTER; set its TTL in the server config instead)"),
    ])
    func tablesLfmaintCannotHandleAreSkippedWithTheReason(kind: String, expected: String) {
        var input = facts()
        switch kind {
        case "missing": input = [:]
        case "Memory": input = facts(engineFull: "Memory", engine: "Memory")
        case "nocolumn": input[traces]!.columnTypes = ["id": "String"]
        case "move": input = facts(engineFull: "MergeTree ORDER BY id TTL toDateTime(timestamp) + toIntervalDay(7) TO VOLUME 'cold', toDateTime(timestamp) + toIntervalDay(90)")
        case "huge": input = facts(definitionBytes: 300_000)
        default: input = facts(type: kind)
        }
        let row = TTLPlanner().plan(rules: [rule], facts: input)[0]
        #expect(row.action.description == expected)
        #expect(row.statements.isEmpty)
    }

    @Test func rotatedLogsAreReportedAndDroppedOnlyWhenAsked() {
        let rotated = TableSize(table: QualifiedTableName("system.query_log_0", defaultDatabase: "system")!, totalBytes: 5 << 20)
        let reported = TTLPlanner().plan(rules: [], facts: [:], rotatedLogs: [rotated])[0]
        #expect(reported.action == .skip("rotated log, 5.00 MiB; --drop-rotated-logs drops it"))
        #expect(reported.statements.isEmpty)
        let dropped = TTLPlanner(dropRotatedLogs: true).plan(rules: [], facts: [:], rotatedLogs: [rotated])[0]
        #expect(dropped.action == .drop)
        #expect(dropped.statements.map(\.sql) == ["DROP TABLE IF EXISTS `system`.`query_log_0` SYNC"])
    }

    @Test(arguments: [("query_log_0", "query_log"), ("part_log_12", "part_log"), ("opentelemetry_span_log_1", "opentelemetry_span_log")])
    func rotatedNamesAreRecognised(name: String, base: String) {
        #expect(SystemLogTables.rotatedBase(of: name) == base)
    }

    @Test(arguments: ["query_log", "query_log_", "query_log_x1", "traces_0", "my_query_log_0", "query_log_0_backup"])
    func otherNamesAreNotRotatedLogs(name: String) {
        #expect(SystemLogTables.rotatedBase(of: name) == nil)
    }

    @Test func pendingChangesAreDetected() {
        let none = TTLStep(table: traces, current: nil, desired: nil, action: .none)
        let skip = TTLStep(table: traces, current: nil, desired: nil, action: .skip("x"))
        let modify = TTLStep(table: traces, current: nil, desired: nil, action: .modify)
        #expect(![none, skip].hasPendingChanges)
        #expect([none, modify].hasPendingChanges)
    }

    @Test func onlyRotatedSystemLogsAreEverDropped() {
        let planner = TTLPlanner(dropRotatedLogs: true)
        let given = ["system.query_log_3", "system.query_log", "default.query_log_3", "system.my_query_log_3"].map {
            TableSize(table: QualifiedTableName($0, defaultDatabase: "default")!, totalBytes: 1)
        }
        let rows = planner.plan(rules: [], facts: [:], rotatedLogs: given)
        #expect(rows.map(\.action.description) == ["drop", "skip: not a rotated system log: never dropped",
                                                    "skip: not a rotated system log: never dropped", "skip: not a rotated system log: never dropped"])
        #expect(rows.dropFirst().allSatisfy { $0.statements.isEmpty })
    }
}
