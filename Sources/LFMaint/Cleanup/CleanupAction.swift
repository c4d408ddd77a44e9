import LFMaintEdges
import LFMaintSupport

/// Something a cleanup can do to a table, named in plans, reports and the audit log. An action is one file
/// in `Actions/` (the steps it adds to each round of the plan, the statements a step stands for, what the
/// guard must see before one runs, and how it runs) and one line in `CleanupActions.all`.
protocol CleanupAction: Sendable {
    static var name: String { get }
    /// Rewrites parts as a mutation or a merge: waits for (or skips) tables with unfinished mutations.
    static var rewritesParts: Bool { get }
    /// Counts against the cap on partitions per run (`CleanupPolicy.maxPartitions`).
    static var dropsPartition: Bool { get }
    /// Its steps in one round of the plan, in the order they should run.
    static func steps(in round: CleanupRound, _ planning: inout CleanupPlanning) -> [CleanupStep]
    /// What the step stands for, as plans and dry runs show it.
    static func statements(_ step: CleanupStep) -> [ClickHouseStatement]
    /// Throws `check.refusal` unless the step removes only rows past the floor (a live system log dropped for
    /// want of headroom is the one exception, `DropTableAction`), and only what this action may take.
    static func check(_ check: CleanupGuard.Check) throws
    /// Reads again what the step would remove and checks it: on several replicas the runner calls it on every
    /// one before the step runs on any (its `run` reads again on the server it runs on).
    static func checkAgain(_ step: CleanupStep, catalog: SystemCatalog, floor: CleanupFloor, now: Int64) async throws
    /// Runs the step on one server; every statement that ran is added to `executed`, also when a later one throws.
    static func run(_ step: CleanupStep, _ call: CleanupStepRunner.Call, _ executed: inout [String]) async throws -> CleanupActionResult
    /// The step with its estimate from what it would remove now, read just before it runs.
    static func counted(_ step: CleanupStep, catalog: SystemCatalog) async -> CleanupStep
}

extension CleanupAction {
    static var rewritesParts: Bool { false }
    static var dropsPartition: Bool { false }
    static func checkAgain(_ step: CleanupStep, catalog: SystemCatalog, floor: CleanupFloor, now: Int64) async throws {}
    static func counted(_ step: CleanupStep, catalog: SystemCatalog) async -> CleanupStep { step }
}

/// What a step's run says beyond its status; nil keeps what the outcome had.
struct CleanupActionResult: Sendable {
    var reason: String?
    /// Outdated parts the step left, still to be removed by the server.
    var pendingBytes: Int64?
}

/// One round of the plan. Each action adds its steps to every round, in `CleanupActions.all`'s order.
enum CleanupRound: Sendable, Equatable {
    /// Before any retention tier: what no retention decides (rotated logs; live logs without headroom).
    case first
    /// The rows of these tables older than `days` (never under the floor).
    case tier(rules: [RetentionRule], days: Int)
}

enum CleanupActions: Registry {
    /// In the order each round of the plan takes them: a partition dropped whole is not deleted from after.
    static let all: [any CleanupAction.Type] = [
        DropTableAction.self,
        DropPartitionAction.self,
        DeleteRowsAction.self,
    ]

    static func name(of kind: any CleanupAction.Type) -> String { kind.name }
}

extension CleanupStep.Action {
    var rewritesParts: Bool { kind.rewritesParts }
    var dropsPartition: Bool { kind.dropsPartition }
}
