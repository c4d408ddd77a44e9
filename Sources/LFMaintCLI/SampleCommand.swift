import ArgumentParser

struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Measure every ClickHouse, Postgres and Redis volume and publish UsagePercent, UsedGB, TotalGB.",
        discussion: "Exit codes: 0 all sources answered, 5 some volumes unknown, 1 error, 2 bad input."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Also measure this path with statvfs (repeatable).", valueName: "name=path"))
    var statfs: [String] = []

    @Option(name: .long, help: ArgumentHelp("Publish to cloudwatch or pushgateway (repeatable).", valueName: "target"))
    var publish: [String] = []

    func run() async throws {
        _ = try global.start()
        throw NotBuiltYet.exit("sample")
    }
}
