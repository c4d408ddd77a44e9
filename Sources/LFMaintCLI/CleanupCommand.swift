import ArgumentParser

struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "When a ClickHouse volume is above its threshold, free space: expired partitions first, then guarded DELETE.",
        discussion: """
            Never touches rows newer than --floor-days. Use --dry-run first to see every step and its estimate.
            Exit codes: 0 below threshold, 3 still above after every allowed step, 1 error, 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Act only when usage is at or above this percentage (1-99).")
    var threshold: Int?

    @Option(name: .long, help: "Stop once usage is below this percentage (default: threshold - 10).")
    var target: Int?

    @Option(name: .long, help: "Never delete rows newer than this many days.")
    var floorDays: Int?

    @Option(name: .long, help: "Stop after dropping this many GB in one run.")
    var maxDropGB: Double?

    @Flag(name: .long, help: "Print the plan with estimates and touch nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Wait for unfinished mutations instead of skipping their tables.")
    var waitMutations = false

    func validate() throws {
        if let threshold, !(1...99).contains(threshold) {
            throw ValidationError("--threshold must be a percentage from 1 to 99, got \(threshold)")
        }
        if let target, !(1...99).contains(target) {
            throw ValidationError("--target must be a percentage from 1 to 99, got \(target)")
        }
        if let floorDays, floorDays < 1 {
            throw ValidationError("--floor-days must be at least 1, got \(floorDays)")
        }
        if let maxDropGB, !(maxDropGB > 0) {
            throw ValidationError("--max-drop-gb must be greater than 0, got \(maxDropGB)")
        }
    }

    func run() async throws {
        _ = try global.start()
        throw NotBuiltYet.exit("cleanup")
    }
}
