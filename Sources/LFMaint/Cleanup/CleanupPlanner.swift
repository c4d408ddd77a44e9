import LFMaintEdges

/// Orders every step that could free space, cheapest and least valuable first, in rounds
/// (`CleanupRound`): first rotated logs and live system logs (only without headroom); then system log
/// partitions past their retention and then down to their 1-day floor; then for each app retention tier
/// (30 → 21 → 14 → 7 days, never under the floor) whole expired partitions, oldest first, and the expired
/// rows of each partition straddling the cutoff. Each action adds its own steps to each round
/// (`CleanupActions.all`). Pure: the same state always gives the same plan.
struct CleanupPlanner: Sendable {
    var policy: CleanupPolicy
    var cluster: ClusterClause

    init(policy: CleanupPolicy, cluster: ClusterClause = .none) {
        self.policy = policy
        self.cluster = cluster
    }

    func plan(_ state: CleanupState) -> CleanupPlan {
        var planning = CleanupPlanning(state: state, policy: policy, cluster: cluster)
        var steps: [CleanupStep] = []
        for round in rounds() {
            for action in CleanupActions.all {
                steps += action.steps(in: round, &planning)
            }
        }
        return CleanupPlan(now: state.now, steps: steps, busyTables: state.busyTables, replicating: state.replicating)
    }

    func rounds() -> [CleanupRound] {
        let systemRules = policy.rules.filter { $0.kind == .systemLog }
        let dataRules = policy.rules.filter { $0.kind != .systemLog }
        // A table configured to keep longer than the app tables starts its descent at its own days.
        let tiers = Set(policy.appTiers + dataRules.map { max($0.days, policy.floor.days) }).sorted(by: >)
        return [.first,
                .tier(rules: systemRules, days: max(policy.systemLogDays, policy.floor.systemLogDays)),
                .tier(rules: systemRules, days: policy.floor.systemLogDays)]
            + tiers.map { .tier(rules: dataRules, days: $0) }
    }
}
