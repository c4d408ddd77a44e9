import LFMaint

/// Every volume's `CleanupTrigger`, kept by the loop that runs the cleanups (the agent's, or one
/// `agent --once`) and changed only here: by a sample, a resize, or a cleanup that ran.
struct CleanupTriggers: Sendable {
    let consecutive: Int
    let cooldownSeconds: Double
    private var byVolume: [String: CleanupTrigger] = [:]

    init(consecutive: Int, cooldownSeconds: Double) {
        self.consecutive = consecutive
        self.cooldownSeconds = cooldownSeconds
    }

    mutating func observe(_ volume: String, usagePercent: Double?, thresholdPercent: Double, targetPercent: Double,
                          now: Double) -> CleanupTrigger.Decision {
        var trigger = byVolume[volume] ?? CleanupTrigger(consecutive: consecutive, cooldownSeconds: cooldownSeconds)
        let decision = trigger.observe(usagePercent: usagePercent, thresholdPercent: thresholdPercent, targetPercent: targetPercent, now: now)
        byVolume[volume] = trigger
        return decision
    }

    /// Grown volumes: the next crossing is cleaned first, yet no sooner than the cooldown.
    mutating func grown(_ volumes: [String]) {
        for volume in volumes { byVolume[volume]?.rearm() }
    }

    mutating func ran(_ volumes: [String], at now: Double, worked: Bool) {
        for volume in volumes { byVolume[volume]?.ran(at: now, worked: worked) }
    }

    /// The triggers one cleanup of `volume` answers for: its own, and on several replicas every replica's.
    static func volumes(coveredBy volume: VolumeSettings, in run: SampleRun) -> [String] {
        guard let base = volume.replicaOf else { return [volume.name] }
        return run.samples.map(\.volume).filter { $0.replicaOf == base }.map(\.name)
    }
}
