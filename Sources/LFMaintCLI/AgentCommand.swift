import ArgumentParser
import LFMaint
import LFMaintAgent

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run continuously: sample, publish, keep TTL in place and clean up when a volume fills.",
        discussion: """
            Serves /metrics, /healthz and /readyz on --listen (or agent.listen). SIGTERM stops it within 8 s, \
            abandoning a running cleanup between steps.
            Exit codes: 0 stopped cleanly (or --once succeeded), 1 error, 2 bad input; with --once also \
            3 a volume still above its threshold after cleanup, 5 some volumes unknown.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Run one full cycle and exit (what the CronJob runs).")
    var once = false

    @Option(name: .long, help: ArgumentHelp("Serve /metrics, /healthz and /readyz here (default 0.0.0.0:9464).", valueName: "host:port"))
    var listen: String?

    @Flag(name: .long, help: "Plan cleanups and TTL changes but run none (observe only).")
    var dryRun = false

    @OptionGroup var statfsVolumes: StatfsOptions

    func run() async throws {
        let config = try global.start { config in
            if let listen { config.agent.listen = listen }
        }
        let work = try AgentWork(config: config, statfs: statfsVolumes.paths, dryRun: dryRun)
        guard once else {
            try await AgentService.run(work, listen: ListenAddress(config.agent.listen)!)
            return
        }
        let result = await AgentOnce.run(work)
        Console.output(global.output == .json ? AgentReport.json(result) : AgentReport.text(result))
        if !result.failures.isEmpty { throw ExitStatus.failure }
        if result.stillAboveThreshold { throw ExitStatus.stillAboveThreshold }
        if !result.cycle.run.allKnown { throw ExitStatus.someUnknown }
    }
}
