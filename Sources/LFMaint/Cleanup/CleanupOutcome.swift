/// What happened to one step of a cleanup run.
public struct CleanupOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Dry run: it would run.
        case planned
        case done
        case skipped
        case failed
    }

    public var step: CleanupStep
    public var status: Status
    public var reason: String?
    /// Bytes the volume's usage went down by (dry run: the estimate).
    public var freedBytes: Int64?
    public var usageBefore: Double?
    public var usageAfter: Double?
}

/// A whole cleanup run, for the report and the exit code.
public struct CleanupRun: Sendable, Equatable {
    public var thresholdPercent: Int
    public var targetPercent: Int
    public var before: Double
    public var after: Double
    public var dryRun: Bool
    public var outcomes: [CleanupOutcome]
    /// Why the run ended: under target, nothing above threshold, or every step tried.
    public var conclusion: String

    public var stillAboveThreshold: Bool { after >= Double(thresholdPercent) }
    /// Measured after each step; in a dry run, the steps' estimates.
    public var freedBytes: Int64 { outcomes.compactMap(\.freedBytes).reduce(0, +) }
    public var hasFailures: Bool { outcomes.contains { $0.status == .failed } }
}
