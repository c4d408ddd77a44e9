import LFMaint
import Foundation
import Testing

@Suite("Cleanup planner and guard")
struct CleanupPlannerTests {
    static let day = CleanupPlanner.day
    static let now: Int64 = 1_795_000_000
    let traces = QualifiedTableName("default.traces", defaultDatabase: "default")!
    let queryLog = QualifiedTableName("system.query_log", defaultDatabase: "system")!

    func planner(floor: Int = 7, appDays: Int = 30) -> CleanupPlanner {
        var config = Configuration()
        config.clickhouse.clusterEnabled = false
        config.cleanup.floorDays = floor
        config.retention.appDays = appDays
        return CleanupPlanner(policy: CleanupPolicy(config: config, rules: RetentionPolicy.rules(for: config)))
    }

    /// A partition whose rows span from `from` to `to` days ago.
    func partition(_ table: QualifiedTableName, _ id: String, from: Int64, to: Int64, bytes: Int64 = 1000) -> PartitionFacts {
        PartitionFacts(table: table, partition: id, partitionID: id, minTime: Self.now - from * Self.day, maxTime: Self.now - to * Self.day, bytes: bytes)
    }

    @Test func stepsGoFromSystemLogsToWholePartitionsToBoundaryRows() {
        let state = CleanupState(now: Self.now, partitions: [
            partition(queryLog, "202607", from: 140, to: 110),
            partition(queryLog, "202611", from: 5, to: 0),
            partition(traces, "202607", from: 140, to: 110),
            partition(traces, "202610", from: 50, to: 20),
            partition(traces, "202611", from: 19, to: 0),
        ], rotatedLogs: [TableSize(table: QualifiedTableName("system.query_log_0", defaultDatabase: "system")!, totalBytes: 99)])
        let steps = planner().plan(state)
        // Tiers 30, 21, 14, 7: 202610 straddles the 30- and 21-day cutoffs and is dropped at 14 days;
        // 202611 straddles the 14- and 7-day cutoffs and is never dropped whole.
        #expect(steps.map(\.action) == [.dropTable, .dropPartition,
                                        .dropPartition, .deleteRows, .optimizePartition,
                                        .deleteRows, .optimizePartition,
                                        .dropPartition, .deleteRows, .optimizePartition,
                                        .deleteRows, .optimizePartition])
        #expect(steps[0].statement == "DROP TABLE IF EXISTS `system`.`query_log_0` SYNC")
        #expect(steps[1].statement == "ALTER TABLE `system`.`query_log` DROP PARTITION ID '202607'")
        #expect(steps[2].statement == "ALTER TABLE `default`.`traces` DROP PARTITION ID '202607'")
        #expect(steps[3].statement == "DELETE FROM `default`.`traces` WHERE `timestamp` < toDateTime(\(Self.now - 30 * Self.day))")
        #expect(steps[3].requiredFreeBytes == 2000)
        #expect(steps[4].statement == "OPTIMIZE TABLE `default`.`traces` PARTITION ID '202610' FINAL")
        #expect(steps[7].statement == "ALTER TABLE `default`.`traces` DROP PARTITION ID '202610'")
        #expect(steps[10].statement == "DELETE FROM `default`.`traces` WHERE `timestamp` < toDateTime(\(Self.now - 7 * Self.day))")
        #expect(!steps.contains { $0.table == traces && $0.partitionID == "202611" && $0.action == .dropPartition })
    }

    @Test func theOldestAppPartitionIsDroppedWithoutHeadroom() {
        let steps = planner().plan(CleanupState(now: Self.now, partitions: [partition(traces, "202607", from: 140, to: 110, bytes: 5000)]))
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
        planner.onCluster = " ON CLUSTER `default`"
        let steps = planner.plan(CleanupState(now: Self.now, partitions: [partition(traces, "202607", from: 140, to: 110)]))
        #expect(steps.first?.statement == "ALTER TABLE `default`.`traces` ON CLUSTER `default` DROP PARTITION ID '202607'")
    }

    @Test func theGuardRefusesWhatCouldReachPastTheFloor() {
        let planner = planner()
        let young = CleanupStep(table: traces, action: .dropPartition, statement: "ALTER TABLE x DROP PARTITION ID '1'", estimatedBytes: 1,
                                reason: "", newestRemovable: Self.now - 6 * Self.day)
        #expect(throws: CleanupGuard.Refusal.self) { try CleanupGuard.check(young, planner: planner, now: Self.now) }
        let unbounded = CleanupStep(table: traces, action: .deleteRows, statement: "DELETE", estimatedBytes: 1, reason: "", newestRemovable: nil)
        #expect(throws: CleanupGuard.Refusal.self) { try CleanupGuard.check(unbounded, planner: planner, now: Self.now) }
        let dropApp = CleanupStep(table: traces, action: .dropTable, statement: "DROP TABLE", estimatedBytes: 1, reason: "", newestRemovable: nil,
                                  onlyWithoutHeadroom: true)
        #expect(throws: CleanupGuard.Refusal.self) { try CleanupGuard.check(dropApp, planner: planner, now: Self.now) }
        let dropQueryLog = CleanupStep(table: queryLog, action: .dropTable, statement: "DROP TABLE", estimatedBytes: 1, reason: "", newestRemovable: nil,
                                       onlyWithoutHeadroom: true)
        #expect(throws: CleanupGuard.Refusal.self) { try CleanupGuard.check(dropQueryLog, planner: planner, now: Self.now) }
        let traceLog = QualifiedTableName("system.trace_log", defaultDatabase: "system")!
        let dropLiveLogWithHeadroom = CleanupStep(table: traceLog, action: .dropTable, statement: "DROP TABLE", estimatedBytes: 1, reason: "", newestRemovable: nil)
        #expect(throws: CleanupGuard.Refusal.self) { try CleanupGuard.check(dropLiveLogWithHeadroom, planner: planner, now: Self.now) }
        let old = CleanupStep(table: traces, action: .dropPartition, statement: "ALTER", estimatedBytes: 1, reason: "", newestRemovable: Self.now - 8 * Self.day)
        #expect(throws: Never.self) { try CleanupGuard.check(old, planner: planner, now: Self.now) }
    }

    @Test func liveSystemLogsAreDroppedWholeOnlyWithoutHeadroomAndNeverQueryLog() {
        let traceLog = QualifiedTableName("system.trace_log", defaultDatabase: "system")!
        let steps = planner().plan(CleanupState(now: Self.now, partitions: [],
                                                systemLogs: [TableSize(table: queryLog, totalBytes: 900), TableSize(table: traceLog, totalBytes: 500)]))
        #expect(steps.map(\.statement) == ["DROP TABLE IF EXISTS `system`.`trace_log` SYNC"])
        #expect(steps.first?.onlyWithoutHeadroom == true)
    }

    @Test func oddPartitionIDsAreNotPlanned() {
        let steps = planner().plan(CleanupState(now: Self.now, partitions: [
            PartitionFacts(table: traces, partition: "x", partitionID: "20'); DROP TABLE x; --", minTime: 0, maxTime: 1, bytes: 1)]))
        #expect(steps.isEmpty)
    }

    /// Random tables, partitions, row dates, floors and retentions: no planned step can remove a row
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
            for step in planner.plan(CleanupState(now: Self.now, partitions: partitions)) {
                try CleanupGuard.check(step, planner: planner, now: Self.now)
                guard step.action == .dropPartition || step.action == .deleteRows else { continue }
                // Worked out here, not asked of the planner: system logs keep 1 day, everything else the floor.
                let floorCutoff = Self.now - Int64(step.table.database.name == "system" ? 1 : floor) * Self.day
                let newest = try #require(step.newestRemovable)
                #expect(newest < floorCutoff, "\(step.statement)")
                if step.action == .dropPartition {
                    let facts = try #require(partitions.first { $0.table == step.table && $0.partitionID == step.partitionID })
                    #expect(facts.maxTime < floorCutoff)
                } else {
                    // The SQL itself, not the planner's note of it: `WHERE column < toDateTime(N)`.
                    let literal = try #require(step.statement.split(separator: "< toDateTime(").last?.prefix { $0.isNumber })
                    #expect(try #require(Int64(literal)) <= floorCutoff, "\(step.statement)")
                    deletesChecked += 1
                }
            }
        }
        #expect(deletesChecked > 50, "the random plans must hold DELETEs to check")
    }
}

/// A small deterministic random source, so a failing case can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Cleanup audit schema")
struct CleanupAuditSchemaTests {
    /// sql/lfmaint-audit.sql documents the table lfmaint creates; they must not drift apart.
    @Test func theShippedSchemaIsTheOneLfmaintCreates() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sql/lfmaint-audit.sql")
        let shipped = try String(contentsOf: file, encoding: .utf8)
        #expect(shipped.contains(CleanupAudit.schema + ";"))
    }
}
