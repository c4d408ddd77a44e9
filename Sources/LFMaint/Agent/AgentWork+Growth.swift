import Foundation

extension AgentWork {
    /// With `grow.enabled`: grows the volumes over their threshold that lfmaint cannot clean (Postgres,
    /// Redis, MinIO) and the ClickHouse volumes whose last cleanup ended still above, each when the
    /// forecast says it fills within `grow.whenFullWithinDays` (`forecasts` nil: one run, no forecast).
    /// Call it before this run's cleanups: a volume cleaned now is judged on the next, fresher sample.
    public func grow(_ run: SampleRun, forecasts: [String: Forecast]?, memory: inout GrowthMemory, now: Double) async -> [GrowthRow] {
        guard let growth else { return [] }
        var candidates: [VolumeSample] = []
        for sample in run.samples {
            let name = sample.volume.name
            guard let usage = sample.usagePercent, usage >= threshold(of: sample.volume) else {
                if sample.status == .ok { memory.calm(name) }
                continue
            }
            if sample.volume.component != .clickhouse || memory.cleanedOut[name] != nil { candidates.append(sample) }
        }
        guard !candidates.isEmpty else { return [] }
        let relief = Dictionary(candidates.map { ($0.volume.name, memory.relief($0.volume.name, now: now)) }, uniquingKeysWith: max)
        let rows = await growth.run(candidates, forecasts: forecasts, relief: relief)
        for row in rows { await record(row, memory: &memory) }
        return rows
    }

    private func record(_ row: GrowthRow, memory: inout GrowthMemory) async {
        let name = row.volume.name
        if let outcome = row.result.outcome { status.recordResize(volume: name, outcome: outcome) }
        let action: String
        switch row.decision {
        case .grow: action = dryRun ? "grow_dry_run" : "grow"
        case .wait: action = "grow_wait"
        case .refuse: action = "grow_refused"
        case .none: return
        }
        status.recordAction(volume: name, action: action)
        guard action != "grow", memory.told[name] != row.decision.reason else { return }
        memory.told[name] = row.decision.reason
        if case .refuse(let reason) = row.decision {
            logger.warning("volume over its threshold cannot grow", metadata: ["volume": "\(name)", "reason": "\(reason)"])
            await notifier.notify("resize-refused", volume: name, text: "over its threshold and not grown: \(reason)")
        } else {
            logger.info("volume growth", metadata: ["volume": "\(name)", "action": "\(action)", "reason": "\(row.decision.reason)"])
        }
    }
}
