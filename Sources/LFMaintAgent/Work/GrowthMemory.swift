/// What the agent keeps between cycles for growth: the ClickHouse volumes whose last cleanup ran every
/// step and still ended above the threshold (only those may grow, once per cleanup), the resizes it
/// follows, and the last refusal told per volume (told once per crossing). The last resize itself, and
/// a resize under way, are on the PVC.
struct GrowthMemory: Sendable {
    struct CleanedOut: Sendable, Equatable {
        var at: Double
        /// Outdated parts the cleanup left: they go within `outdatedPartsSeconds`, and count as free until then.
        var pendingBytes: Int64
    }

    /// ClickHouse keeps outdated parts 480 s (`old_parts_lifetime`); a sample a minute later sees them gone.
    static let outdatedPartsSeconds = 540.0

    private(set) var cleanedOut: [String: CleanedOut] = [:]
    var told: [String: String] = [:]
    var following: [String: Task<Void, Never>] = [:]

    init() {}

    /// `names`: the triggers the cleanup answered for. A dry run that estimates its volume still above counts.
    mutating func cleanupEnded(_ result: AgentWork.CleanupResult, names: [String], at now: Double) {
        let above = result.verdict == .stillAbove || (result.verdict == .dryRun && result.run?.stillAboveThreshold == true)
        for name in names {
            cleanedOut[name] = above ? CleanedOut(at: now, pendingBytes: result.run?.pendingBytes ?? 0) : nil
        }
    }

    /// A volume back under its target (where the cleanup trigger re-arms) starts afresh: its next crossing is
    /// cleaned before it may grow.
    mutating func calm(_ name: String) {
        cleanedOut[name] = nil
        told[name] = nil
    }

    /// A resize uses up the cleanup that allowed it: the next one needs a cleanup of its own.
    mutating func grown(_ name: String) {
        cleanedOut[name] = nil
    }

    /// Where the forecast's samples start: after the cleanup, and after its outdated parts have gone (their
    /// leaving frees space, which is no trend).
    func trendStart(_ name: String) -> Double? {
        cleanedOut[name].map { $0.at + ($0.pendingBytes > 0 ? Self.outdatedPartsSeconds : 0) }
    }

    func relief(_ name: String, now: Double) -> Int64 {
        guard let entry = cleanedOut[name], now - entry.at < Self.outdatedPartsSeconds else { return 0 }
        return entry.pendingBytes
    }

    /// On shutdown: the resizes followed are left to Kubernetes.
    mutating func stopFollowing() {
        for task in following.values { task.cancel() }
        following = [:]
    }
}
