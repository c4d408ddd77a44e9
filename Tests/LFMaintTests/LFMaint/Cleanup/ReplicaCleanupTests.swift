@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// The cross-replica rules with plain values: what three replicas hold merged into one state, the plan
/// made from it, and the budget's headroom and replication checks per replica.
@Suite("Cleanup across replicas")
struct ReplicaCleanupTests {
    static let day = CleanupPolicy.day
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

    func reading(_ replica: Int, _ partitions: [PartitionFacts], lag: [ReplicationLag] = [], now: Int64 = now) -> ReplicaCleanupState.Reading {
        ReplicaCleanupState.Reading(replica: Self.urls[replica], state: CleanupState(now: now, partitions: partitions), lag: lag)
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

    @Test func aPartitionStillReplicatingOnAnyReplicaIsLeftAloneAndOnlyIt() throws {
        let queued = ReplicationLag(table: traces, partition: PartitionName("202607"), reason: "4 entries in its replication queue for partition 202607")
        let merged = ReplicaCleanupState.merge([
            reading(0, [basics.partition(traces, "202607", from: 140, to: 110), basics.partition(traces, "202608", from: 110, to: 80)]),
            reading(1, [basics.partition(traces, "202607", from: 140, to: 110), basics.partition(traces, "202608", from: 110, to: 80)], lag: [queued]),
        ])
        let plan = planner().plan(merged)
        let drops = plan.steps.filter { $0.action == .dropPartition }
        #expect(drops.map { $0.partitionID?.text } == ["202607", "202608"])
        let hold = try #require(plan.replicationHold(for: drops[0]))
        #expect(hold.contains(Self.urls[1]) && hold.contains("4 entries"), "the reason names the replica: \(hold)")
        #expect(plan.replicationHold(for: drops[1]) == nil, "a queue for another partition does not hold this one")
        var budget = budget(availableByReplica: [Self.urls[0]: 50 * Self.gib, Self.urls[1]: 50 * Self.gib])
        guard case .refused(let reason) = budget.verdict(for: drops[0], busy: false, waitMutations: false, replicating: hold) else {
            Issue.record("a drop ran while a replica was still replicating the partition")
            return
        }
        #expect(reason.contains("still replicating"))
        #expect(budget.verdict(for: drops[1], busy: false, waitMutations: false, replicating: plan.replicationHold(for: drops[1])) == .run)
        // A read-only replica, or one whose queue entry names no part, holds the whole table.
        let readOnly = CleanupPlan(now: Self.now, steps: drops, replicating: [ReplicationLag(table: traces, partition: nil, reason: "read-only")])
        #expect(drops.allSatisfy { readOnly.replicationHold(for: $0) == "read-only" })
    }

    @Test func aReplicatedTableIsChangedOnTheFirstHolderOfEachShard() {
        let client = ClickHouseClient(settings: ClickHouseSettings())
        let set = ReplicaSet(replicas: [ClickHouseReplica(url: Self.urls[0], client: client, shard: 1),
                                        ClickHouseReplica(url: Self.urls[1], client: client, shard: 1),
                                        ClickHouseReplica(url: Self.urls[2], client: client, shard: 2)], isSingle: false)
        let runner = CleanupStepRunner(client: client, floor: CleanupFloor(days: 7), options: CleanupExecutor.Options(), lock: nil)
        var step = CleanupStep(table: traces, action: .dropPartition, estimatedBytes: 1, reason: "")
        step.replicas = Self.urls
        #expect(runner.targets(of: step, in: set) == Self.urls, "a table that does not replicate is each replica's own")
        step.replicatedEngine = true
        #expect(runner.targets(of: step, in: set) == [Self.urls[0], Self.urls[2]])
    }

    @Test func outdatedPartsCountOnlyForTheReplicaThatHoldsThem() {
        var pending = PendingRelief()
        let partition = PartitionName("202607")!
        pending.add(traces, partition, 100, replicas: [Self.urls[0]])
        pending.add(traces, PartitionName("202608")!, 30, replicas: [])
        #expect(pending.bytes(on: Self.urls[0]) == 100)
        #expect(pending.bytes(on: Self.urls[1]) == 0, "the fullest replica's usage is not lowered by another's late space")
        #expect(pending.bytes(on: nil) == 30)
    }

    @Test func aDryRunLowersTheFullestReplicasUsageOnlyForItsOwnSteps() {
        var budget = CleanupBudget(used: 95 * Self.gib, free: 5 * Self.gib, total: 100 * Self.gib, policy: Self.policy,
                               availableByReplica: [Self.urls[0]: 5 * Self.gib, Self.urls[1]: 50 * Self.gib], fullestReplica: Self.urls[0])
        var elsewhere = CleanupStep(table: queryLog, action: .dropTable, estimatedBytes: 10 * Self.gib, reason: "")
        elsewhere.replicas = [Self.urls[1]]
        budget.assume(elsewhere)
        #expect(budget.usage == 95)
        #expect(budget.availableByReplica[Self.urls[1]] == 60 * Self.gib)
        var here = elsewhere
        here.replicas = [Self.urls[0], Self.urls[1]]
        budget.assume(here)
        #expect(budget.usage == 85)
    }

    static var policy: CleanupPolicy {
        var config = Configuration()
        config.cleanup.thresholdPercent = 90
        config.cleanup.targetPercent = 80
        return CleanupPolicy(config: config, rules: [])
    }

    func budget(availableByReplica: [String: Int64]) -> CleanupBudget {
        CleanupBudget(used: 95 * Self.gib, free: 5 * Self.gib, total: 100 * Self.gib, policy: Self.policy, availableByReplica: availableByReplica)
    }

    @Test func aRewriteNeedsItsHeadroomOnEveryReplicaItRunsOn() {
        var budget = budget(availableByReplica: [Self.urls[0]: 40 * Self.gib, Self.urls[1]: 3 * Self.gib, Self.urls[2]: 40 * Self.gib])
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
        var budget = budget(availableByReplica: [Self.urls[0]: 1 << 20, Self.urls[1]: 40 * Self.gib])
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
