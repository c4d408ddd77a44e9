import ArgumentParser
import LFMaint
import LFMaintEdges

struct TTLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ttl",
        abstract: "Plan or apply ClickHouse retention (TTL) for Langfuse's tables and the system logs.",
        subcommands: [TTLPlanCommand.self, TTLApplyCommand.self, TTLServerConfigCommand.self]
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

struct TTLServerConfigCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case xml
        case chartV2Values = "chart-v2-values"
    }

    static let configuration = CommandConfiguration(
        commandName: "server-config",
        abstract: "Print the ClickHouse config.d file that gives the system logs their retention at every start.",
        discussion: """
            A TTL set by ALTER on a system log is lost when ClickHouse restarts: the server makes each log anew \
            from its config. This file gives each log the server keeps the days `ttl plan` uses, and a macro \
            (lfmaint_system_log_ttl) by which `ttl plan` knows them. It asks the server which logs it keeps: a \
            section for a log the server does not keep would turn that log on. --offline asks no server and \
            prints the file for the logs the configured chart's servers keep by default. Changes nothing.
            Formats: xml (a config.d file; chart v1: k8s/components/clickhouse-system-log-ttl), chart-v2-values \
            (Helm values for chart v2, whose ClickHouse operator writes them into config.d).
            Exit codes: 0 printed, 1 error, 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Ask no server: the file for the logs the configured chart's servers keep by default.")
    var offline = false

    @Option(name: .long, help: "xml or chart-v2-values.")
    var format: Format = .xml

    func run() async throws {
        let config = try global.start()
        let file = offline
            ? SystemLogServerConfig.byDefault(config: config)
            : try await TTLWorkflow(config: config, client: ClickHouseClient(settings: config.clickhouse), dropRotatedLogs: false)
                .serverConfig()
        Console.output(format == .xml ? file.xml() : file.chartV2Values())
    }
}
