@testable import LFMaint
import Testing

/// The guard before a patch, on the PVC as read again: it lets the planner's step through and refuses
/// every patch that is not exactly one step from what the PVC asks for now.
@Suite("Growth guard")
struct GrowthGuardTests {
    let gib = GrowthPlannerTests.gib
    let policy = GrowthPlannerTests.policy(maxGiB: 500)
    let now = 2_000_000_000.0

    @Test func thePlannersStepPasses() throws {
        let step = GrowthPlanner(policy: policy).step(from: 100 * gib)
        try GrowthGuard.check(step, claim: GrowthPlannerTests.claim(), sampledTotal: 100 * gib, policy: policy, now: now)
    }

    @Test func everyOtherPatchIsRefused() {
        let claim = GrowthPlannerTests.claim()
        let seen = ResizeRecord(at: Int64(now) - 30_000, fromBytes: 80 * gib, toBytes: 100 * gib, sampledTotalBytes: 100 * gib)
        let cases: [(GrowthStep, ClaimFacts, String)] = [
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib), GrowthPlannerTests.claim(gib: 110), "has 118111600640 bytes now"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib), GrowthPlannerTests.claim(gib: 100, capacity: 105), "planned from"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib), GrowthPlannerTests.claim(record: seen), "does not show in the sample"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 100 * gib), claim, "no larger"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 90 * gib), claim, "no larger"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 501 * gib), claim, "maxGiB"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 200 * gib), claim, "more than one grow.step"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib + 1), claim, "whole number of GiB"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib), GrowthPlannerTests.claim(gib: 100, capacity: 90), "under way"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib), {
                var pending = GrowthPlannerTests.claim()
                pending.phase = "Pending"
                return pending
            }(), "not Bound"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib),
             GrowthPlannerTests.claim(record: ResizeRecord(at: Int64(now) - 60, fromBytes: 80 * gib, toBytes: 100 * gib,
                                                           sampledTotalBytes: 1)),
             "cooldown"),
            (GrowthStep(fromBytes: 100 * gib, toBytes: 120 * gib), {
                var odd = GrowthPlannerTests.claim()
                odd.lastResizeAnnotation = "{}"
                return odd
            }(), "unreadable"),
        ]
        for (step, claim, words) in cases {
            #expect {
                try GrowthGuard.check(step, claim: claim, sampledTotal: 100 * gib, policy: policy, now: now)
            } throws: { error in
                String(describing: error).contains(words)
            }
        }
    }
}
