import ArgumentParser
import LFMaint
import LFMaintEdges

struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "When a ClickHouse volume is above its threshold, free space: expired partitions first, then guarded DELETE.",
        discussion: """
            Never touches rows newer than --floor-days. Use --dry-run first to see every step and its estimate.
            With grow.enabled, a ClickHouse volume still above its threshold then has its PVC grown by grow.step, up to
            grow.maxGiB (the agent grows the other volumes).
            Exit codes: 0 below threshold (or grown), 3 still above after every allowed step, 1 error, 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, parsing: .unconditional, help: "Act only when usage is at or above this percentage (1-99).")
    var threshold: Int?

    @Option(name: .long, parsing: .unconditional, help: "Stop once usage is below this percentage (default: threshold - 10).")
    var target: Int?

    @Option(name: .long, parsing: .unconditional, help: "Never delete rows newer than this many days.")
    var floorDays: Int?

    @Option(name: .long, parsing: .unconditional, help: "Stop after dropping this many GB in one run.")
    var maxDropGB: Double?

    @Flag(name: .long, help: "Print the plan with estimates and touch nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Also list the steps that were not needed (target reached, or headroom enough).")
    var showSkipped = false

    @Flag(name: .long, help: "Wait for unfinished mutations instead of skipping their tables.")
    var waitMutations = false

    @Option(name: .long, parsing: .unconditional, help: "Give each statement at most this many seconds (DELETE and its rewrite can be slow; default 1800).")
    var statementTimeout: Double?

    @Flag(name: .long, help: "Lift the server's 50 GB drop guard (max_partition_size_to_drop) for lfmaint's own statements.")
    var allowLargeDrops = false

    @OptionGroup var statfsVolumes: StatfsOptions

    var overrides: CleanupOverrides {
        CleanupOverrides(threshold: threshold, target: target, floorDays: floorDays, maxDropGB: maxDropGB, statementTimeout: statementTimeout,
                         waitMutations: waitMutations, allowLargeDrops: allowLargeDrops)
    }

    func validate() throws {
        if let problem = overrides.problem() { throw ValidationError(problem) }
    }

    func run() async throws {
        // Growth is judged by the thresholds as configured, each volume's own included: a one-off --threshold 40
        // must not grow a PVC.
        let loaded = try global.start()
        let config = try overrides.applied(to: loaded)
        let options = CleanupExecutor.Options(config.cleanup, dryRun: dryRun)
        let client = ClickHouseClient(settings: config.clickhouse)
        let workflow = try CleanupWorkflow(config: config, client: client, options: options, statfs: statfsVolumes.paths)
        let run = try await workflow.run()
        // With grow.enabled only: without it, nothing here reads or writes the Kubernetes API.
        let grower = GrowthWorkflow(config: loaded, dryRun: dryRun)
        // The cleanup's report first: a resize can take minutes, and the job may be stopped meanwhile.
        if global.output != .json { Console.output(CleanupReport.text(run, showSkipped: showSkipped)) }
        var growth: [GrowthRow]?
        if let grower {
            growth = await grower.afterCleanup(run, volumes: try SampleTargets.volumes(config: loaded, statfs: statfsVolumes.paths),
                                               clickhouse: client)
        }
        if global.output == .json {
            Console.output(growth.map { CleanupReport.json(run, showSkipped: showSkipped, growth: $0) }
                ?? CleanupReport.json(run, showSkipped: showSkipped))
        } else if let growth {
            Console.output(GrowthReport.text(growth))
        }
        if run.dryRun { return }
        if run.hasFailures || growth?.hasFailures == true { throw ExitStatus.failure }
        // Still above: the cleanup ended there and growth grew nothing, or growth left a volume over its threshold.
        let grew = growth?.contains(where: \.grew) ?? false
        if run.stillAboveThreshold && !grew || growth?.relievedAll == false { throw ExitStatus.stillAboveThreshold }
    }
}
