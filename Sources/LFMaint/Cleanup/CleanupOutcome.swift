import Foundation

/// What happened to one step of a cleanup run.
public struct CleanupOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Dry run: it would run.
        case planned
        case done
        /// Needed but refused: a cap, the guard, the free space, a busy table.
        case skipped
        /// Not needed (the target is reached, or there is headroom): reported only when asked.
        case notNeeded = "not needed"
        case failed
    }

    var step: CleanupStep
    public var status: Status
    public var reason: String?
    /// The statements that ran (for a part-by-part drop, its DROP PART statements); otherwise the plan's.
    var statements: [String]
    /// Bytes the volume's usage went down by (dry run: the estimate).
    var freedBytes: Int64?
    /// Bytes outdated parts still held when the step ended: they come back on their own.
    var pendingBytes: Int64 = 0
    var usageBefore: Double?
    var usageAfter: Double?
    /// The lock could not be kept during the step: the run stops after it.
    var lostLock = false
    /// When the step's first statement was sent and its last answered (a real run only).
    var started: Date?
    var finished: Date?

    init(step: CleanupStep, status: Status, reason: String? = nil, usageBefore: Double? = nil) {
        self.step = step
        self.status = status
        self.reason = reason
        self.statements = step.statements.map(\.sql)
        self.usageBefore = usageBefore
    }

    var statementText: String { statements.joined(separator: "; ") }
}

/// A whole cleanup run, for the report and the exit code.
public struct CleanupRun: Sendable, Equatable {
    var thresholdPercent: Int
    public var targetPercent: Int
    var before: Double
    public var after: Double
    public var dryRun: Bool
    public var outcomes: [CleanupOutcome]
    /// Why the run ended: under target, nothing above threshold, or every step tried.
    public var conclusion: String
    /// What outdated parts still held at the end: usage goes down by this much on its own.
    public var pendingBytes: Int64 = 0
    /// Stopped before its end by a failure that is not a step's: the volume could not be measured, or
    /// the lock could not be kept. A failed run (exit 1), whatever the usage.
    var interrupted = false

    init(thresholdPercent: Int, targetPercent: Int, before: Double, after: Double, dryRun: Bool, outcomes: [CleanupOutcome] = [],
                conclusion: String = "") {
        self.thresholdPercent = thresholdPercent
        self.targetPercent = targetPercent
        self.before = before
        self.after = after
        self.dryRun = dryRun
        self.outcomes = outcomes
        self.conclusion = conclusion
    }

    public var stillAboveThreshold: Bool { after >= Double(thresholdPercent) }
    /// Measured after each step; in a dry run, the steps' estimates.
    public var freedBytes: Int64 { outcomes.compactMap(\.freedBytes).reduce(0, +) }
    public var hasFailures: Bool { interrupted || outcomes.contains { $0.status == .failed } }
}
