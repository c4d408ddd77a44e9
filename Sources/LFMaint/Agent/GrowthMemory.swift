/// What the agent keeps between cycles for growth: the ClickHouse volumes whose last cleanup ran every
/// step and still ended above the threshold (only those may grow), and the last refusal told per volume
/// (told once per crossing). Everything else — the last resize, a resize under way — is on the PVC.
public struct GrowthMemory: Sendable {
    public struct CleanedOut: Sendable, Equatable {
        public var at: Double
        /// Outdated parts the cleanup left: they go within `outdatedPartsSeconds`, and count as free until then.
        public var pendingBytes: Int64
    }

    /// ClickHouse keeps outdated parts 480 s (`old_parts_lifetime`); a sample a minute later sees them gone.
    public static let outdatedPartsSeconds = 540.0

    public private(set) var cleanedOut: [String: CleanedOut] = [:]
    var told: [String: String] = [:]

    public init() {}

    /// `names`: the guards the cleanup answered for.
    public mutating func cleanupEnded(_ result: AgentWork.CleanupResult, names: [String], at now: Double) {
        for name in names {
            cleanedOut[name] = result.verdict == .stillAbove ? CleanedOut(at: now, pendingBytes: result.run?.pendingBytes ?? 0) : nil
        }
    }

    /// A volume back under its threshold starts afresh: its next crossing is cleaned before it may grow.
    mutating func calm(_ name: String) {
        cleanedOut[name] = nil
        told[name] = nil
    }

    func relief(_ name: String, now: Double) -> Int64 {
        guard let entry = cleanedOut[name], now - entry.at < Self.outdatedPartsSeconds else { return 0 }
        return entry.pendingBytes
    }
}
