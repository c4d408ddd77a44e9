import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

@Suite("Cleanup planner and guard")
struct CleanupPlannerTests {
    static let day = CleanupPolicy.day
    static let now: Int64 = 1_795_000_000
    let traces = QualifiedTableName("default.traces", defaultDatabase: "default")!
    let queryLog = QualifiedTableName("system.query_log", defaultDatabase: "system")!
    static let timestamp = TimeColumn(name: SQLIdentifier("timestamp")!, type: "DateTime64(3)")!
    static let eventDate = TimeColumn(name: SQLIdentifier("event_date")!, type: "Date")!

    func planner(floor: Int = 7, appDays: Int = 30) -> CleanupPlanner {
        var config = Configuration()
        config.clickhouse.clusterEnabled = false
        config.cleanup.floorDays = floor
        config.retention.appDays = appDays
        return CleanupPlanner(policy: CleanupPolicy(config: config, rules: RetentionPolicy.defaultRules(for: config)))
    }

    /// A partition whose rows span from `from` to `to` days ago (system logs by day, app tables by second).
    func partition(_ table: QualifiedTableName, _ id: String, from: Int64, to: Int64, bytes: Int64 = 1000) -> PartitionFacts {
        let isLog = table.database.name == "system"
        let oldest = Self.now - from * Self.day, newest = Self.now - to * Self.day
        return PartitionFacts(table: table, partition: id, partitionID: PartitionName(id)!, column: isLog ? Self.eventDate : Self.timestamp,
                              oldest: isLog ? oldest / Self.day : oldest, newest: isLog ? newest / Self.day : newest, bytes: bytes)
    }

    @Test func stepsGoFromSystemLogsToWholePartitionsToOnePartitionsRowsAtATime() {
        let state = CleanupState(now: Self.now, partitions: [
            partition(queryLog, "202607", from: 140, to: 110),
            partition(queryLog, "202611", from: 5, to: 0),
            partition(traces, "202607", from: 140, to: 110),
            partition(traces, "202610", from: 50, to: 20),
            partition(traces, "202611", from: 19, to: 0),
        ], rotatedLogs: [TableSize(table: QualifiedTableName("system.query_log_0", defaultDatabase: "system")!, totalBytes: 99)])
        let steps = planner().plan(state).steps
        // Tiers 30, 21, 14, 7: 202610 straddles the 30- and 21-day cutoffs and is dropped at 14 days;
        // 202611 straddles the 14- and 7-day cutoffs and is never dropped whole.
        #expect(steps.map(\.action) == [.dropTable, .dropPartition, .dropPartition, .deleteRows, .deleteRows, .dropPartition, .deleteRows, .deleteRows])
        #expect(steps.map { $0.partitionID?.text ?? "-" } == ["-", "202607", "202607", "202610", "202610", "202610", "202611", "202611"])
        #expect(steps[0].statementText == "DROP TABLE IF EXISTS `system`.`query_log_0` SYNC")
        #expect(steps[1].statementText == "ALTER TABLE `system`.`query_log` DROP PARTITION ID '202607'")
        #expect(steps[3].statementText == "DELETE FROM `default`.`traces` IN PARTITION ID '202610' WHERE `timestamp` < toDateTime(\(Self.now - 30 * Self.day)); "
            + "ALTER TABLE `default`.`traces` APPLY DELETED MASK IN PARTITION ID '202610' SETTINGS mutations_sync = 2")
        #expect(steps[3].requiredFreeBytes == 2000)
        // The later tier's delete in the same partition is estimated for what it adds, not again from the start.
        #expect(steps[3].estimatedBytes + steps[4].estimatedBytes <= 1000)
        #expect(steps[7].bound == .second(Self.now - 7 * Self.day))
    }

    /// Within a tier the oldest rows go first, whichever table holds them (v4's events_* beside traces).
    @Test func wholePartitionsGoOldestFirstAcrossTables() {
        let events = QualifiedTableName("default.events_full", defaultDatabase: "default")!
        let startTime = TimeColumn(name: SQLIdentifier("start_time")!, type: "DateTime64(6)")!
        func eventsPartition(_ id: String, from: Int64, to: Int64, bytes: Int64) -> PartitionFacts {
            PartitionFacts(table: events, partition: id, partitionID: PartitionName(id)!, column: startTime,
                           oldest: Self.now - from * Self.day, newest: Self.now - to * Self.day, bytes: bytes)
        }
        let state = CleanupState(now: Self.now, partitions: [
            partition(traces, "202609", from: 80, to: 50, bytes: 10),
            partition(traces, "202607", from: 140, to: 110, bytes: 10),
            eventsPartition("202608", from: 110, to: 80, bytes: 5000),
            eventsPartition("202607", from: 140, to: 110, bytes: 5000),
        ])
        let drops = planner().plan(state).steps.filter { $0.action == .dropPartition }
        #expect(drops.map { "\($0.table.table.name) \($0.partitionID?.text ?? "-")" }
            == ["events_full 202607", "traces 202607", "events_full 202608", "traces 202609"])
    }

    @Test func aDateColumnIsCutOnADayThatIsOverEverywhere() throws {
        let daily = QualifiedTableName("default.daily", defaultDatabase: "default")!
        var planner = planner()
        planner.policy.rules = [RetentionRule(table: daily, column: SQLIdentifier("day")!, days: 10, kind: .configured)]
        let column = TimeColumn(name: SQLIdentifier("day")!, type: "Date")!
        let facts = PartitionFacts(table: daily, partition: "all", partitionID: PartitionName("all")!, column: column,
                                   oldest: Self.now / Self.day - 20, newest: Self.now / Self.day, bytes: 1000)
        let steps = planner.plan(CleanupState(now: Self.now, partitions: [facts])).steps
        #expect(steps.map { $0.bound?.day.map { Self.now / Self.day - $0 } } == [15, 11, 8],
                "tiers 14, 10 (the table's own) and 7; 30 and 21 reach no row; each bound a day that is over everywhere")
        let delete = try #require(steps.last)
        let day = try #require(delete.bound?.day)
        // 14 hours past midnight UTC the day is over in every timezone: the bound's previous day ends by the cutoff.
        let cutoff = Self.now - 7 * Self.day
        #expect(day * Self.day + 14 * 3600 <= cutoff)
        #expect((day + 1) * Self.day + 14 * 3600 > cutoff, "and no more than that is kept")
        #expect(delete.statementText.hasPrefix("DELETE FROM `default`.`daily` IN PARTITION ID 'all' WHERE `day` < toDate32('"))
    }

    @Test func theOldestAppPartitionIsDroppedWithoutHeadroom() {
        let steps = planner().plan(CleanupState(now: Self.now, partitions: [partition(traces, "202607", from: 140, to: 110, bytes: 5000)])).steps
        #expect(steps.first?.action == .dropPartition)
        #expect(steps.first?.requiredFreeBytes == 0)
        #expect(steps.first?.estimatedBytes == 5000)
    }

    @Test func tiersStepDownButNeverUnderTheFloor() {
        #expect(planner(floor: 7, appDays: 30).policy.appTiers == [30, 21, 14, 7])
        #expect(planner(floor: 10, appDays: 30).policy.appTiers == [30, 21, 14, 10])
        #expect(planner(floor: 14, appDays: 10).policy.appTiers == [14])
    }

    @Test func clusterModeRunsOnTheCluster() {
        var planner = planner()
        planner.cluster = .onCluster(SQLIdentifier("default")!)
        var july = partition(traces, "202607", from: 140, to: 110)
        july.keyEnd = Self.now - 109 * Self.day
        let steps = planner.plan(CleanupState(now: Self.now, partitions: [july])).steps
        #expect(steps.first?.statementText == "ALTER TABLE `default`.`traces` ON CLUSTER `default` DROP PARTITION ID '202607'")
    }

    @Test func aPartitionOfAnotherColumnIsNotAgedByIt() {
        var other = partition(traces, "202607", from: 140, to: 110)
        other.column = TimeColumn(name: SQLIdentifier("created_at")!, type: "DateTime")!
        #expect(planner().plan(CleanupState(now: Self.now, partitions: [other])).steps.isEmpty)
    }

    @Test func theGuardRefusesWhatCouldReachPastTheFloor() {
        let floor = CleanupFloor(days: 7)
        func check(_ step: CleanupStep, newest: Int64? = nil) -> Bool {
            (try? CleanupGuard.check(step, floor: floor, now: Self.now, newestValue: newest)) != nil
        }
        let id = PartitionName("202611")!
        let young = CleanupStep(table: traces, action: .dropPartition, partitionID: id, column: Self.timestamp, newestValue: Self.now - 6 * Self.day,
                                estimatedBytes: 1, reason: "")
        #expect(!check(young))
        var old = young
        old.newestValue = Self.now - 8 * Self.day
        #expect(check(old))
        #expect(!check(old, newest: Self.now - 7 * Self.day), "a part read again just before its drop holds a newer row")
        #expect(!check(CleanupStep(table: traces, action: .deleteRows, estimatedBytes: 1, reason: "")), "no bound")
        let dateBoundOnInstant = CleanupStep(table: traces, action: .deleteRows, partitionID: id, column: Self.timestamp, bound: .day(20000),
                                             estimatedBytes: 1, reason: "")
        #expect(!check(dateBoundOnInstant), "a date compared with an instant would take the cutoff's whole day")
        let dropApp = CleanupStep(table: traces, action: .dropTable, estimatedBytes: 1, reason: "", onlyWithoutHeadroom: true)
        #expect(!check(dropApp))
        #expect(!check(CleanupStep(table: queryLog, action: .dropTable, estimatedBytes: 1, reason: "", onlyWithoutHeadroom: true)))
        let traceLog = QualifiedTableName("system.trace_log", defaultDatabase: "system")!
        #expect(!check(CleanupStep(table: traceLog, action: .dropTable, estimatedBytes: 1, reason: "")), "a live log only without headroom")
        #expect(check(CleanupStep(table: traceLog, action: .dropTable, estimatedBytes: 1, reason: "", onlyWithoutHeadroom: true)))
    }

    @Test func onAClusterOnlyAPartitionWhoseKeyProvesItsAgeGoesWhole() throws {
        var planner = planner()
        planner.cluster = .onCluster(SQLIdentifier("default")!)
        var unproven = partition(traces, "202607", from: 140, to: 110)
        var proven = partition(traces, "202606", from: 170, to: 141)
        proven.keyEnd = Self.now - 140 * Self.day
        unproven.keyEnd = nil
        let steps = planner.plan(CleanupState(now: Self.now, partitions: [unproven, proven])).steps
        #expect(steps.first { $0.partitionID?.text == "202606" }?.action == .dropPartition)
        #expect(steps.first { $0.partitionID?.text == "202607" }?.action == .deleteRows, "its old rows go by a DELETE whose bound holds everywhere")
        var forced = try #require(steps.first { $0.partitionID?.text == "202606" })
        forced.keyEnd = nil
        #expect(throws: CleanupGuard.Refusal.self) { try CleanupGuard.check(forced, floor: CleanupFloor(days: 7), now: Self.now) }
    }

    @Test func aRotatedLogHoldingRowsUnderADayOldWaits() {
        let rotated = QualifiedTableName("system.query_log_3", defaultDatabase: "system")!
        let eventDate = Self.eventDate
        let today = CleanupStep(table: rotated, action: .dropTable, column: eventDate, newestValue: Self.now / Self.day, estimatedBytes: 1, reason: "")
        #expect(throws: CleanupGuard.Refusal.self) { try CleanupGuard.check(today, floor: CleanupFloor(days: 7), now: Self.now) }
        var older = today
        older.newestValue = Self.now / Self.day - 3
        #expect(throws: Never.self) { try CleanupGuard.check(older, floor: CleanupFloor(days: 7), now: Self.now) }
    }

    @Test func liveSystemLogsAreDroppedWholeOnlyWithoutHeadroomAndNeverQueryLog() {
        let traceLog = QualifiedTableName("system.trace_log", defaultDatabase: "system")!
        let steps = planner().plan(CleanupState(now: Self.now, partitions: [],
                                                systemLogs: [TableSize(table: queryLog, totalBytes: 900), TableSize(table: traceLog, totalBytes: 500)])).steps
        #expect(steps.map(\.statementText) == ["DROP TABLE IF EXISTS `system`.`trace_log` SYNC"])
        #expect(steps.first?.onlyWithoutHeadroom == true)
    }

    @Test func oddPartitionAndPartNamesAreNeverNames() {
        #expect(PartitionName("20'); DROP TABLE x; --") == nil)
        #expect(PartitionName("") == nil)
        #expect(PartitionName("202611_1_5_1")?.literal == "'202611_1_5_1'")
    }

    /// Random tables, partitions, column kinds, floors and retentions: no planned step can remove a row
    /// newer than the floor, and the guard agrees with the planner.
    @Test func noPlannedStepReachesARowNewerThanTheFloor() throws {
        var random = SplitMix(seed: 0x5EED)
        let tables = [traces, queryLog, QualifiedTableName("default.scores", defaultDatabase: "default")!,
                      QualifiedTableName("default.observations", defaultDatabase: "default")!,
                      QualifiedTableName("system.trace_log", defaultDatabase: "system")!]
        var deletesChecked = 0
        for _ in 0..<500 {
            let floor = Int(random.next() % 20) + 1
            let planner = planner(floor: floor, appDays: Int(random.next() % 60) + 1)
            let partitions = (0..<Int(random.next() % 12)).map { index -> PartitionFacts in
                let newest = Int64(random.next() % 200)
                let span = Int64(random.next() % 40)
                return partition(tables[Int(random.next() % UInt64(tables.count))], "p\(index)", from: newest + span, to: newest, bytes: Int64(random.next() % 10_000))
            }
            for step in planner.plan(CleanupState(now: Self.now, partitions: partitions)).steps {
                try CleanupGuard.check(step, floor: planner.policy.floor, now: Self.now)
                // Worked out here, not asked of the planner: system logs keep 1 day, everything else the floor;
                // a date runs until 14:00 UTC of the next day.
                let floorCutoff = Self.now - Int64(step.table.database.name == "system" ? 1 : floor) * Self.day
                let facts = try #require(partitions.first { $0.table == step.table && $0.partitionID == step.partitionID })
                let isDate = step.table.database.name == "system"
                if step.action == .dropPartition {
                    #expect((isDate ? (facts.newest + 1) * Self.day + 14 * 3600 : facts.newest + 1) <= floorCutoff)
                } else {
                    // The SQL itself, not the planner's note of it.
                    let sql = step.statementText
                    if isDate {
                        let text = try #require(sql.split(separator: "toDate32('").last?.prefix(10))
                        let date = try #require(Self.utcDay(String(text)))
                        #expect(Int64(date.timeIntervalSince1970) + 14 * 3600 <= floorCutoff, "\(sql)")
                    } else {
                        let literal = try #require(sql.split(separator: "< toDateTime(").last?.prefix { $0.isNumber })
                        #expect(try #require(Int64(literal)) <= floorCutoff, "\(sql)")
                    }
                    deletesChecked += 1
                }
            }
        }
        #expect(deletesChecked > 50, "the random plans must hold DELETEs to check")
    }
}

extension CleanupPlannerTests {
    /// `2026-11-10` as midnight UTC.
    static func utcDay(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: text)
    }
}

@Suite("Cleanup audit schema")
struct CleanupAuditSchemaTests {
    /// sql/lfmaint-audit.sql documents the table lfmaint creates; they must not drift apart.
    @Test func theShippedSchemaIsTheOneLfmaintCreates() throws {
        let file = Repository.file("sql/lfmaint-audit.sql")
        let shipped = try String(contentsOf: file, encoding: .utf8)
        #expect(shipped.contains(CleanupAudit.schema + ";"))
    }
}
