import ArgumentParser

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

    func run() async throws {
        _ = try global.start()
        throw NotBuiltYet.exit("ttl plan")
    }
}

struct TTLApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run the planned TTL changes, then re-read and verify each one. A second run changes nothing.",
        discussion: "Exit codes: 0 applied and verified (or nothing to do), 1 error, 2 bad input."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Also rewrite old parts now (MATERIALIZE TTL); refused when free space is short.")
    var materialize = false

    @Flag(name: .long, help: "Drop rotated system log tables (system.*_log_N) that plan reports.")
    var dropRotatedLogs = false

    func run() async throws {
        _ = try global.start()
        throw NotBuiltYet.exit("ttl apply")
    }
}
