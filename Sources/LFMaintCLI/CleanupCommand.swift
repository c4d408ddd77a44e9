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

    func validate() throws {
        if let threshold, !(1...99).contains(threshold) {
            throw ValidationError("--threshold must be a percentage from 1 to 99, got \(threshold)")
        }
        if let target, !(1...99).contains(target) {
            throw ValidationError("--target must be a percentage from 1 to 99, got \(target)")
        }
        if let floorDays, !(1...RetentionRule.maximumDays).contains(floorDays) {
            throw ValidationError("--floor-days must be 1 to \(RetentionRule.maximumDays) days, got \(floorDays)")
        }
        if let statementTimeout, !(statementTimeout.isFinite && statementTimeout > 0 && statementTimeout <= 86_400) {
            throw ValidationError("--statement-timeout must be a number of seconds greater than 0 and at most 86400 (a day), got \(statementTimeout)")
        }
        if let maxDropGB, !(maxDropGB.isFinite && maxDropGB > 0 && maxDropGB <= 1_000_000) {
            throw ValidationError("--max-drop-gb must be a number greater than 0 and at most 1000000 (a petabyte), got \(maxDropGB)")
        }
    }

    func run() async throws {
        var config = try global.start()
        // Growth is judged by the thresholds as configured, each volume's own included: a one-off --threshold 40
        // must not grow a PVC.
        let loaded = config
        if let threshold {
            // The flag wins over every volume's own threshold too.
            config.cleanup.thresholdPercent = threshold
            for index in config.volumes.indices { config.volumes[index].thresholdPercent = nil }
        }
        if let target { config.cleanup.targetPercent = target }
        if let floorDays { config.cleanup.floorDays = floorDays }
        if let maxDropGB { config.cleanup.maxDropGB = maxDropGB }
        if threshold != nil, target == nil, let configured = config.cleanup.targetPercent, configured >= config.cleanup.thresholdPercent {
            config.cleanup.targetPercent = nil
        }
        if waitMutations { config.cleanup.waitMutations = true }
        if allowLargeDrops { config.cleanup.allowLargeDrops = true }
        if let statementTimeout { config.cleanup.statementTimeoutSeconds = statementTimeout }
        try config.validate()
        let options = CleanupExecutor.Options(config.cleanup, dryRun: dryRun)
        let client = ClickHouseClient(settings: config.clickhouse)
        let workflow = try CleanupWorkflow(config: config, client: client, options: options, statfs: statfsVolumes.paths)
        let run = try await workflow.run()
        // With grow.enabled only: without it, nothing here reads or writes the Kubernetes API.
        let grower = GrowthWorkflow(config: loaded, dryRun: dryRun)
        // The cleanup's report first: a resize can take minutes, and the job may be stopped meanwhile.
        if global.output != .json { Console.output(CleanupReport.text(run, showSkipped: showSkipped)) }
        let growth = await grower?.afterCleanup(run, volumes: try SampleTargets.volumes(config: loaded, statfs: statfsVolumes.paths), clickhouse: client)
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
