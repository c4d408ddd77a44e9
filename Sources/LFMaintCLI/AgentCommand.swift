import ArgumentParser

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run continuously: sample, publish, keep TTL in place and clean up when a volume fills.",
        discussion: "Exit codes: 0 stopped cleanly (or --once succeeded), 1 error, 2 bad input."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Run one full cycle and exit (what the CronJob runs).")
    var once = false

    @Option(name: .long, help: ArgumentHelp("Serve /metrics, /healthz and /readyz here.", valueName: "host:port"))
    var listen = "0.0.0.0:9464"

    func run() async throws {
        _ = try global.start()
        throw NotBuiltYet.exit("agent")
    }
}
