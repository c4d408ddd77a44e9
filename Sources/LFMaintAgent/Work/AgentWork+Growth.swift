import Foundation
import LFMaint

extension AgentWork {
    /// What one growth turn did: its rows, and the volumes grown (whose cleanup triggers start afresh).
    struct GrowthTurn: Sendable {
        var rows: [GrowthRow] = []
        var grown: [String] = []
    }

    /// With `grow.enabled`: grows the volumes over their threshold that lfmaint cannot clean (Postgres,
    /// MinIO, Redis on a PVC) and the ClickHouse volumes whose last cleanup ended still above — judged on a
    /// sample taken after that cleanup. `history` nil: one run, no forecast; else the forecast, from the
    /// samples since the cleanup, must say full within `grow.whenFullWithinDays`. `follow`: wait for each
    /// resize here (one run); else a task follows it, and the turn returns.
    func grow(_ run: SampleRun, sampledAt: Double, history: SampleHistory?, memory: inout GrowthMemory,
                     follow: Bool) async -> GrowthTurn {
        guard let growth else { return GrowthTurn() }
        var candidates: [VolumeSample] = []
        var turn = GrowthTurn()
        for sample in run.samples {
            let name = sample.volume.name
            let cleaned = memory.cleanedOut[name]
            if sample.volume.component == .clickhouse {
                guard let cleaned, cleaned.at <= sampledAt else { continue }
            }
            if sample.status == .unknown, cleaned != nil {
                turn.rows.append(GrowthRow(volume: sample.volume, usagePercent: nil, decision: .wait("usage unknown after its cleanup")))
                continue
            }
            guard let usage = sample.usagePercent, usage >= threshold(of: sample.volume) else {
                // Under the target, as the cleanup trigger re-arms: between target and threshold it is still cleaned out.
                if let usage = sample.usagePercent, CleanupTrigger.rearms(usage: usage, targetPercent: target(of: sample.volume)) {
                    memory.calm(name)
                }
                continue
            }
            candidates.append(sample)
        }
        guard !candidates.isEmpty else { return turn }
        let names = candidates.map(\.volume.name)
        let relief = Dictionary(names.map { ($0, memory.relief($0, now: sampledAt)) }, uniquingKeysWith: max)
        let forecasts = history.map { history in
            Dictionary(names.map { ($0, history.forecast($0, now: sampledAt, since: memory.trendStart($0))) },
                uniquingKeysWith: { a, _ in a })
        }
        let (rows, requests) = await growth.run(candidates, forecasts: forecasts, relief: relief, follow: follow)
        for row in rows {
            await record(row, memory: &memory)
            if row.grew {
                memory.grown(row.volume.name)
                turn.grown.append(row.volume.name)
            }
        }
        for request in requests {
            let status = self.status
            memory.following[request.volume.name]?.cancel()
            memory.following[request.volume.name] = Task {
                let result = await growth.follow(request)
                if let outcome = result.outcome { status.recordResize(volume: request.volume.name, outcome: outcome) }
            }
        }
        turn.rows += rows
        return turn
    }

    private func record(_ row: GrowthRow, memory: inout GrowthMemory) async {
        let name = row.volume.name
        // Counted once a patch was sent (or refused by the guard): a PVC that cannot be read is a refusal.
        if case .grow = row.decision, let outcome = row.result.outcome { status.recordResize(volume: name, outcome: outcome) }
        let action: VolumeAction
        switch row.decision {
        case .grow: action = dryRun ? .growDryRun : .grow
        case .wait: action = .growWait
        case .refuse: action = .growRefused
        case .none: return
        }
        status.recordAction(volume: name, action)
        guard case .refuse(let reason) = row.decision else {
            logger.debug("volume growth", metadata: ["volume": "\(name)", "action": "\(action.rawValue)", "reason": "\(row.decision.reason)"])
            return
        }
        guard memory.told[name] != reason else { return }
        memory.told[name] = reason
        logger.warning("volume over its threshold cannot grow", metadata: ["volume": "\(name)", "reason": "\(reason)"])
        await notifier.notify(.resizeRefused, volume: name, text: "over its threshold and not grown: \(reason)")
    }
}
