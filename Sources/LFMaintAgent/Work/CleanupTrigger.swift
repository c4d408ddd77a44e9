/// Decides, one sample at a time, when a volume's cleanup runs: after `consecutive` samples at or
/// over the threshold, never on an unknown sample, at most once per cooldown, and — after a run that
/// did its work — not again until usage has gone under the target (hysteresis). A run that failed
/// stays armed and is retried after the cooldown.
struct CleanupTrigger: Sendable, Equatable {
    enum Decision: Sendable, Equatable {
        case calm
        case watching(streak: Int, of: Int)
        case cleanup
        case hold(String)
    }

    let consecutive: Int
    let cooldownSeconds: Double
    private(set) var streak = 0
    private(set) var armed = true
    private(set) var lastRun: Double?

    init(consecutive: Int, cooldownSeconds: Double) {
        self.consecutive = consecutive
        self.cooldownSeconds = cooldownSeconds
    }

    /// Under its target a cleaned-out volume counts as calm again: the trigger re-arms, and growth forgets
    /// the cleanup (`AgentWork+Growth`).
    static func rearms(usage: Double, targetPercent: Double) -> Bool { usage < targetPercent }

    mutating func observe(usagePercent: Double?, thresholdPercent: Double, targetPercent: Double, now: Double) -> Decision {
        guard let usage = usagePercent else {
            streak = 0
            return .hold("usage unknown: an unknown sample never triggers a cleanup")
        }
        if Self.rearms(usage: usage, targetPercent: targetPercent) { armed = true }
        guard usage >= thresholdPercent else {
            streak = 0
            return .calm
        }
        streak += 1
        guard streak >= consecutive else { return .watching(streak: streak, of: consecutive) }
        guard armed else { return .hold("the last cleanup ran and usage has not gone under the target since") }
        if let lastRun, now - lastRun < cooldownSeconds {
            return .hold("cooldown: the next cleanup may run in \(Int((cooldownSeconds - (now - lastRun)).rounded(.up))) s")
        }
        return .cleanup
    }

    /// After the volume was grown: the next crossing is cleaned first, yet no sooner than the cooldown.
    mutating func rearm() {
        armed = true
        streak = 0
    }

    /// `worked`: the run did what it could (a failed run stays armed, for a retry after the cooldown).
    mutating func ran(at now: Double, worked: Bool) {
        lastRun = now
        streak = 0
        if worked { armed = false }
    }
}
