import LFMaintEdges
import LFMaintSupport

/// `ttl plan` and `ttl apply` from configuration to outcome: rules from config, facts from the
/// server, a plan, and (for apply) the changes and their verification.
public struct TTLWorkflow: Sendable {
    let config: Configuration
    let client: ClickHouseClient
    let dropRotatedLogs: Bool

    public init(config: Configuration, client: ClickHouseClient, dropRotatedLogs: Bool) {
        self.config = config
        self.client = client
        self.dropRotatedLogs = dropRotatedLogs
    }

    public func plan() async throws -> [TTLStep] {
        try await planWithPlanner().rows
    }

    public func apply(materialize: Bool, log: StatementLog = StatementLog()) async throws -> [TTLOutcome] {
        let (planner, scope, rows) = try await planWithPlanner()
        // MATERIALIZE TTL ON CLUSTER rewrites on every replica: each one's disk must hold the rewrite.
        let replicas = materialize ? await ClickHouseReplicas(primary: client).resolve() : nil
        return try await TTLExecutor(client: client, planner: planner, log: log, replicas: replicas)
            .apply(rows, rules: scope.rules, materialize: materialize)
    }

    /// The config.d file that gives the system logs this server keeps their retention at every start.
    public func serverConfig() async throws -> SystemLogServerConfig {
        SystemLogServerConfig.forRules(of: config, kept: try await SystemCatalog(client: client).systemLogKeys())
    }

    private func planWithPlanner() async throws -> (planner: TTLPlanner, scope: RetentionPolicy.Scope, rows: [TTLStep]) {
        try await client.require(.ttl)
        try await client.requireClusterReady()
        let reader = SystemCatalog(client: client)
        let planner = TTLPlanner(cluster: client.cluster, dropRotatedLogs: dropRotatedLogs, maxQuerySize: try await reader.maxQuerySize(),
                                 serverConfigDays: try await reader.serverConfigDays())
        let scope = RetentionPolicy.scope(for: config, serverTables: try await reader.tableEngines(in: SQLIdentifier(config.clickhouse.database)!))
        let facts = try await reader.facts(for: scope.rules.map(\.table) + scope.untouched.map(\.table))
        return (planner, scope, planner.plan(rules: scope.rules, facts: facts, rotatedLogs: try await reader.rotatedLogs(), untouched: scope.untouched))
    }
}
