/// `ttl plan` and `ttl apply` from configuration to outcome: rules from config, facts from the
/// server, a plan, and (for apply) the changes and their verification.
public struct TTLWorkflow: Sendable {
    public let client: ClickHouseClient
    public let rules: [RetentionRule]
    public let dropRotatedLogs: Bool

    public init(config: Configuration, client: ClickHouseClient, dropRotatedLogs: Bool) {
        self.client = client
        self.rules = RetentionPolicy.rules(for: config)
        self.dropRotatedLogs = dropRotatedLogs
    }

    public func plan() async throws -> [TTLPlanRow] {
        try await planWithPlanner().rows
    }

    public func apply(materialize: Bool, log: StatementLog = StatementLog()) async throws -> [TTLApplyOutcome] {
        let (planner, rows) = try await planWithPlanner()
        return try await TTLApplier(client: client, planner: planner, log: log).apply(rows, rules: rules, materialize: materialize)
    }

    private func planWithPlanner() async throws -> (planner: TTLPlanner, rows: [TTLPlanRow]) {
        try await client.require(.ttl)
        let reader = SystemCatalog(client: client)
        let planner = TTLPlanner(cluster: client.cluster, dropRotatedLogs: dropRotatedLogs, maxQuerySize: try await reader.maxQuerySize())
        let facts = try await reader.facts(for: rules.map(\.table))
        return (planner, planner.plan(rules: rules, facts: facts, rotatedLogs: try await reader.rotatedLogs()))
    }
}
