import LFMaint
import Testing

/// The cross-replica rules with plain values: what three replicas hold merged into one state, the plan
/// made from it, and the budget's headroom and replication checks per replica.
@Suite("Cleanup across replicas")
struct ReplicaCleanupTests {
    static let day = CleanupPlanner.day
    static let now: Int64 = 1_795_000_000
    static let gib: Int64 = 1 << 30
    static let urls = ["http://r0:8123", "http://r1:8123", "http://r2:8123"]
    let traces = QualifiedTableName("default.traces", defaultDatabase: "default")!
    let queryLog = QualifiedTableName("system.query_log", defaultDatabase: "system")!
    let basics = CleanupPlannerTests()

    func planner() -> CleanupPlanner {
        var config = Configuration()
        config.cleanup.floorDays = 7
        config.retention.appDays = 30
        return CleanupPlanner(policy: CleanupPolicy(config: config, rules: RetentionPolicy.defaultRules(for: config)))
    }

    func reading(_ replica: Int, _ partitions: [PartitionFacts], queues: [QualifiedTableName: Int64] = [:], now: Int64 = now) -> ReplicaCleanupState.Reading {
        ReplicaCleanupState.Reading(replica: Self.urls[replica], state: CleanupState(now: now, partitions: partitions), queues: queues)
    }

    @Test func aPartitionOldOnTwoReplicasButNewerOnTheThirdIsNeverDroppedWhole() {
        let state = ReplicaCleanupState.merge([
            reading(0, [basics.partition(traces, "202607", from: 140, to: 110)]),
            reading(1, [basics.partition(traces, "202607", from: 140, to: 110)]),
            reading(2, [basics.partition(traces, "202607", from: 140, to: 3)]),
        ])
        #expect(state.partitions.count == 1)
        #expect(state.partitions[0].newest == Self.now - 3 * Self.day, "the newest row of any replica")
        #expect(state.partitions[0].replicas == Self.urls)
        let steps = planner().plan(state).steps
        #expect(!steps.contains { $0.action == .dropPartition })
        // Its old rows may go by DELETE, bounded by the cutoff, on every replica that holds it.
        #expect(steps.allSatisfy { $0.action == .deleteRows && $0.replicas == Self.urls })
    }

    @Test func aPartitionOldOnEveryReplicaGoesFromEachReplicaThatHoldsIt() {
        let state = ReplicaCleanupState.merge([
            reading(0, [basics.partition(traces, "202607", from: 140, to: 110, bytes: 10)]),
            reading(1, []),
            reading(2, [basics.partition(traces, "202607", from: 120, to: 100, bytes: 30)]),
        ])
        let drops = planner().plan(state).steps.filter { $0.action == .dropPartition }
        #expect(drops.count == 1)
        #expect(drops.first?.replicas == [Self.urls[0], Self.urls[2]])
        #expect(drops.first?.estimatedBytes == 30, "the largest copy: what the fullest replica may get back")
        #expect(drops.first?.cluster == ClusterClause.none, "each replica is addressed itself, never ON CLUSTER")
    }

    @Test func systemLogsAreEachServersOwn() {
        let state = ReplicaCleanupState.merge([
            reading(0, [basics.partition(queryLog, "202607", from: 140, to: 110)]),
            reading(1, [basics.partition(queryLog, "202607", from: 2, to: 0)]),
        ])
        #expect(state.partitions.count == 2, "one server's log is not another's")
        let drops = planner().plan(state).steps.filter { $0.action == .dropPartition }
        #expect(drops.map(\.replicas) == [[Self.urls[0]]])
    }

    @Test func rotatedAndLiveLogsKeepTheirReplica() {
        let rotated = QualifiedTableName("system.query_log_0", defaultDatabase: "system")!
        var state = CleanupState(now: Self.now, partitions: [], rotatedLogs: [TableSize(table: rotated, totalBytes: 5)])
        let merged = ReplicaCleanupState.merge([ReplicaCleanupState.Reading(replica: Self.urls[1], state: state)])
        #expect(merged.rotatedLogs.map(\.replica) == [Self.urls[1]])
        state = merged
        #expect(planner().plan(state).steps.first?.replicas == [Self.urls[1]])
    }

    @Test func theEarliestClockAndEveryBusyTableCount() {
        var first = reading(0, [], now: Self.now)
        first.state.busyTables = [traces]
        let merged = ReplicaCleanupState.merge([first, reading(1, [], now: Self.now - 60)])
        #expect(merged.now == Self.now - 60)
        #expect(merged.busyTables == [traces])
    }

    @Test func aTableStillReplicatingOnAnyReplicaIsLeftAlone() {
        let merged = ReplicaCleanupState.merge([
            reading(0, [basics.partition(traces, "202607", from: 140, to: 110)]),
            reading(1, [basics.partition(traces, "202607", from: 140, to: 110)], queues: [traces: 4]),
        ])
        #expect(merged.replicating[traces]?.contains("4 entries") == true)
        let plan = planner().plan(merged)
        var budget = budget(freeByReplica: [Self.urls[0]: 50 * Self.gib, Self.urls[1]: 50 * Self.gib])
        let drop = try! #require(plan.steps.first { $0.action == .dropPartition })
        guard case .refused(let reason) = budget.verdict(for: drop, busy: false, waitMutations: false, replicating: plan.replicating[drop.table]) else {
            Issue.record("a drop ran while a replica was still replicating the table")
            return
        }
        #expect(reason.contains("still replicating"))
        #expect(budget.verdict(for: drop, busy: false, waitMutations: false, replicating: nil) == .run)
    }

    func budget(freeByReplica: [String: Int64]) -> CleanupBudget {
        var config = Configuration()
        config.cleanup.thresholdPercent = 90
        config.cleanup.targetPercent = 80
        return CleanupBudget(used: 95 * Self.gib, free: 5 * Self.gib, total: 100 * Self.gib, policy: CleanupPolicy(config: config, rules: []),
                             freeByReplica: freeByReplica)
    }

    @Test func aRewriteNeedsItsHeadroomOnEveryReplicaItRunsOn() {
        var budget = budget(freeByReplica: [Self.urls[0]: 40 * Self.gib, Self.urls[1]: 3 * Self.gib, Self.urls[2]: 40 * Self.gib])
        var delete = CleanupStep(table: traces, action: .deleteRows, estimatedBytes: Self.gib, requiredFreeBytes: 10 * Self.gib, reason: "")
        delete.replicas = [Self.urls[0], Self.urls[1]]
        guard case .refused(let reason) = budget.verdict(for: delete, busy: false, waitMutations: false) else {
            Issue.record("a rewrite ran without its headroom on one replica")
            return
        }
        #expect(reason.contains("3.00 GiB") && reason.contains("replica"), "\(reason)")
        delete.replicas = [Self.urls[0], Self.urls[2]]
        #expect(budget.verdict(for: delete, busy: false, waitMutations: false) == .run)
    }

    @Test func aLiveLogIsDroppedOnlyOnTheReplicaWithoutHeadroom() {
        var budget = budget(freeByReplica: [Self.urls[0]: 1 << 20, Self.urls[1]: 40 * Self.gib])
        var drop = CleanupStep(table: queryLog, action: .dropTable, estimatedBytes: Self.gib, reason: "", onlyWithoutHeadroom: true)
        drop.replicas = [Self.urls[1]]
        guard case .notNeeded = budget.verdict(for: drop, busy: false, waitMutations: false) else {
            Issue.record("a live log was dropped on a replica with headroom")
            return
        }
        drop.replicas = [Self.urls[0]]
        #expect(budget.verdict(for: drop, busy: false, waitMutations: false) == .run)
    }

    func sample(_ replica: Int, used: Int64, total: Int64 = 100) -> VolumeSample {
        var volume = VolumeSettings(name: "clickhouse@r\(replica)", component: .clickhouse, source: .clickhouse)
        volume.replica = Self.urls[replica]
        return VolumeSample(volume: volume, usedBytes: used, totalBytes: total, availableBytes: total - used)
    }

    @Test func theFullestReplicaDecidesAndAnUnknownOneStopsEverything() throws {
        let reading = try #require(VolumeReading(fullestOf: [sample(0, used: 40), sample(1, used: 93), sample(2, used: 10)]))
        #expect(reading.usage == 93)
        #expect(reading.volume.name == "clickhouse@r1")
        #expect(reading.availableByReplica == [Self.urls[0]: 60, Self.urls[1]: 7, Self.urls[2]: 90])
        let stopped = VolumeSample.unknown(sample(2, used: 0).volume, "did not answer")
        #expect(VolumeReading(fullestOf: [sample(0, used: 40), sample(1, used: 93), stopped]) == nil)
    }
}
