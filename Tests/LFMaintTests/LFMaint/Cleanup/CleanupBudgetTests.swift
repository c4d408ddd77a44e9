@testable import LFMaint
@testable import LFMaintSupport
import Testing

@Suite("Cleanup budget")
struct CleanupBudgetTests {
    static let gib: Int64 = 1 << 30
    let traces = QualifiedTableName("default.traces", defaultDatabase: "default")!

    func budget(usedGiB: Int64 = 95, maxDropGB: Double? = nil) -> CleanupBudget {
        var config = Configuration()
        config.cleanup.thresholdPercent = 90
        config.cleanup.targetPercent = 80
        config.cleanup.maxDropGB = maxDropGB
        return CleanupBudget(used: usedGiB * Self.gib, free: (100 - usedGiB) * Self.gib, total: 100 * Self.gib,
                             policy: CleanupPolicy(config: config, rules: []))
    }

    func step(_ action: CleanupStep.Action, gib: Int64, needs: Int64 = 0, onlyWithoutHeadroom: Bool = false) -> CleanupStep {
        CleanupStep(table: traces, action: action, estimatedBytes: gib * Self.gib, requiredFreeBytes: needs * Self.gib, reason: "",
                    onlyWithoutHeadroom: onlyWithoutHeadroom)
    }

    @Test func spaceStillHeldByOutdatedPartsCountsTowardTheTarget() {
        var budget = budget()
        budget.measured(used: 95 * Self.gib, free: 5 * Self.gib, pendingRelief: 20 * Self.gib)
        #expect(budget.usage == 95)
        #expect(budget.reachedTarget, "95% now, 75% once the outdated parts go: no deeper tier")
        guard case .notNeeded(let reason) = budget.verdict(for: step(.deleteRows, gib: 1), busy: false, waitMutations: false) else {
            Issue.record("a delete after the target was allowed")
            return
        }
        #expect(reason.contains("20.00 GiB of outdated parts"))
        budget.measured(used: 95 * Self.gib, free: 5 * Self.gib, pendingRelief: 10 * Self.gib)
        #expect(!budget.reachedTarget, "85% even then: the next step is needed")
    }

    @Test func theDropCapCountsDeletesAndDropsThatReachedTheServerAndStopsEveryStepAfterIt() {
        var budget = budget(maxDropGB: 10)
        #expect(budget.verdict(for: step(.dropPartition, gib: 6), busy: false, waitMutations: false) == .run)
        budget.charge(step(.dropPartition, gib: 6))
        guard case .capReached(let reason) = budget.verdict(for: step(.deleteRows, gib: 5), busy: false, waitMutations: false) else {
            Issue.record("a delete past the cap was allowed")
            return
        }
        #expect(reason.hasPrefix("cap reached: --max-drop-gb 10.00 GiB per run"))
        guard case .capReached(let later) = budget.verdict(for: step(.dropPartition, gib: 3), busy: false, waitMutations: false) else {
            Issue.record("a smaller, younger drop went in place of the one the cap refused")
            return
        }
        #expect(later == "cap reached: --max-drop-gb 10.00 GiB per run at an earlier step")
    }

    @Test func thePartitionCapStopsEveryStepAfterIt() {
        var policy = CleanupPolicy(config: Configuration(), rules: [])
        policy.maxPartitions = 1
        var budget = CleanupBudget(used: 95 * Self.gib, free: 5 * Self.gib, total: 100 * Self.gib, policy: policy)
        #expect(budget.verdict(for: step(.dropPartition, gib: 1), busy: false, waitMutations: false) == .run)
        budget.charge(step(.dropPartition, gib: 1))
        guard case .capReached = budget.verdict(for: step(.dropPartition, gib: 1), busy: false, waitMutations: false),
              case .capReached = budget.verdict(for: step(.deleteRows, gib: 1), busy: false, waitMutations: false) else {
            Issue.record("a step ran past the partition cap")
            return
        }
    }

    @Test func aRewriteNeedsItsFreeSpaceAndAnIdleTable() {
        var budget = budget()
        #expect(budget.verdict(for: step(.deleteRows, gib: 1, needs: 6), busy: false, waitMutations: false)
            == .refused("needs 6.00 GiB free to rewrite its partition, the disk has 5.00 GiB"))
        guard case .refused = budget.verdict(for: step(.deleteRows, gib: 1, needs: 1), busy: true, waitMutations: false) else {
            Issue.record("a rewrite of a busy table was allowed")
            return
        }
        #expect(budget.verdict(for: step(.deleteRows, gib: 1, needs: 1), busy: true, waitMutations: true) == .run)
    }

    @Test func aLiveLogIsDroppedOnlyWhenThereIsNoHeadroom() {
        var roomy = budget()
        guard case .notNeeded = roomy.verdict(for: step(.dropTable, gib: 1, onlyWithoutHeadroom: true), busy: false, waitMutations: false) else {
            Issue.record("dropped with headroom")
            return
        }
        var full = budget(usedGiB: 100)
        full.measured(used: 100 * Self.gib - (1 << 20), free: 1 << 20, pendingRelief: 0)
        #expect(full.verdict(for: step(.dropTable, gib: 1, onlyWithoutHeadroom: true), busy: false, waitMutations: false) == .run)
    }

    @Test func aDryRunStopsWhereTheEstimatesReachTheTarget() {
        var budget = budget()
        for _ in 0..<2 { budget.assume(step(.dropPartition, gib: 5)) }
        #expect(budget.usage == 85 && !budget.reachedTarget)
        budget.assume(step(.dropPartition, gib: 6))
        #expect(budget.reachedTarget)
        budget.assume(step(.dropPartition, gib: 500))
        #expect(budget.used == 0, "an estimate larger than the disk never makes usage negative")
    }
}
