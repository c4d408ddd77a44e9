@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// Each action adds steps only to the rounds it belongs to; the planner's order is the rounds', then
/// `CleanupActions.all`'s.
@Suite("Cleanup actions, one file each")
struct CleanupActionsTests {
    let plannerTests = CleanupPlannerTests()

    /// The names are what reports and the audit table hold: an operator's queries read them.
    @Test func everyActionIsFoundByTheNameReportsAndTheAuditHold() {
        #expect(CleanupActions.all.map { $0.name } == ["drop table", "drop partition", "delete rows"])
        #expect(CleanupStep.Action(rawValue: "drop partition") == .dropPartition)
        #expect(CleanupStep.Action(rawValue: "optimize") == nil)
    }

    @Test func eachActionPlansOnlyInItsOwnRounds() {
        let queryLog = plannerTests.queryLog, traces = plannerTests.traces
        let state = CleanupState(now: CleanupPlannerTests.now, partitions: [
            plannerTests.partition(queryLog, "202607", from: 140, to: 110),
            plannerTests.partition(queryLog, "202611", from: 5, to: 0),
            plannerTests.partition(traces, "202611", from: 19, to: 0),
        ], rotatedLogs: [TableSize(table: QualifiedTableName("system.query_log_0", defaultDatabase: "system")!, totalBytes: 99)])
        let planner = plannerTests.planner()
        let rounds = planner.rounds()
        let systemRules = planner.policy.rules.filter { $0.kind == .systemLog }
        let dataRules = planner.policy.rules.filter { $0.kind != .systemLog }
        // First, then system logs past their retention and down to their 1-day floor, then the app tiers.
        #expect(rounds == [.first, .tier(rules: systemRules, days: planner.policy.systemLogDays), .tier(rules: systemRules, days: 1)]
            + [30, 21, 14, 7].map { .tier(rules: dataRules, days: $0) })
        let systemFloor = rounds[2], lastTier = rounds[rounds.count - 1]
        func steps(_ action: any CleanupAction.Type, _ round: CleanupRound) -> [String] {
            var planning = CleanupPlanning(state: state, policy: planner.policy, cluster: .none)
            return action.steps(in: round, &planning).map { "\($0.table) \($0.partitionID?.text ?? "-")" }
        }
        #expect(steps(DropTableAction.self, .first) == ["system.query_log_0 -"])
        #expect(steps(DropTableAction.self, systemFloor).isEmpty)
        #expect(steps(DropPartitionAction.self, .first).isEmpty)
        #expect(steps(DropPartitionAction.self, systemFloor) == ["system.query_log 202607"])
        // A system log's straddling partition waits for its day to pass: system logs are never rewritten.
        #expect(steps(DeleteRowsAction.self, systemFloor).isEmpty)
        #expect(steps(DeleteRowsAction.self, lastTier) == ["default.traces 202611"])
    }
}
