import ArgumentParser
import LFMaint

struct TTLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ttl",
        abstract: "Plan or apply ClickHouse retention (TTL) for Langfuse's tables and the system logs.",
        subcommands: [TTLPlanCommand.self, TTLApplyCommand.self]
    )
}

struct TTLPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show each table's current and desired TTL and the statement that would change it.",
        discussion: "Changes nothing. Exit codes: 0 nothing to change, 4 changes pending, 1 error, 2 bad input."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Plan to drop rotated system log tables (system.*_log_N).")
    var dropRotatedLogs = false

    func run() async throws {
        let config = try global.start()
        let workflow = TTLWorkflow(config: config, client: ClickHouseClient(settings: config.clickhouse), dropRotatedLogs: dropRotatedLogs)
        let rows = try await workflow.plan()
        Console.output(global.output == .json ? TTLReport.json(rows) : TTLReport.text(rows))
        if rows.hasPendingChanges { throw ExitStatus.changesPending }
    }
}

struct TTLApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run the planned TTL changes, then re-read and verify each one. A second run changes nothing.",
        discussion: """
            TTLs are set without rewriting the table (materialize_ttl_after_modify = 0), and time-partitioned \
            tables get ttl_only_drop_parts = 1 first, so expiry drops whole parts instead of rewriting them.
            Exit codes: 0 applied and verified (or nothing to do), 1 error or refused, 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Also rewrite old parts now (MATERIALIZE TTL); refused when free space is short.")
    var materialize = false

    @Flag(name: .long, help: "Drop rotated system log tables (system.*_log_N) that plan reports.")
    var dropRotatedLogs = false

    func run() async throws {
        let config = try global.start()
        let workflow = TTLWorkflow(config: config, client: ClickHouseClient(settings: config.clickhouse), dropRotatedLogs: dropRotatedLogs)
        let outcomes = try await workflow.apply(materialize: materialize)
        Console.output(global.output == .json ? TTLReport.json(outcomes) : TTLReport.text(outcomes))
        if outcomes.contains(where: { $0.status != .applied || !$0.verified }) { throw ExitStatus.failure }
    }
}
