import Foundation
import LFMaint

/// What `lfmaint agent --once` prints: the samples, each cleanup, and the TTL check.
public enum AgentReport {
    public static func text(_ once: AgentOnce) -> String {
        var text = SampleReport.text(once.cycle.run)
        if once.cleanups.isEmpty { text += "\ncleanup: none due (no ClickHouse volume known to be over its threshold)\n" }
        for (volume, result) in once.cleanups {
            text += "\ncleanup of \(volume): \(result.verdict.words)\n"
            text += result.run.map { CleanupReport.text($0) } ?? "\(result.message)\n"
        }
        if !once.growth.isEmpty { text += GrowthReport.text(once.growth) }
        if let ttl = once.ttl {
            text += "\nTTL: " + (ttl.drift == 0 ? "every table matches the retention policy" : "\(ttl.drift) tables differ from the retention policy")
            text += ttl.applied > 0 ? " (applied \(ttl.applied) changes)\n" : "\n"
            if ttl.drift > 0 { text += TTLReport.text(ttl.changes) }
            text += TTLReport.restartWarnings(ttl.notLasting)
        }
        if let lifecycle = once.lifecycle {
            text += "\nEvent bucket: "
                + (lifecycle.drifts ? "\n" + EventLifecycleReport.text(lifecycle.plan) : EventLifecycleReport.text(lifecycle))
        }
        for failure in once.failures { text += "\nfailed: \(failure)\n" }
        return text
    }

    public static func json(_ once: AgentOnce) -> String {
        var ttl: Any = NSNull()
        if let check = once.ttl {
            ttl = ["drift": check.drift, "applied": check.applied, "tables": check.rows.map(TTLReport.object)] as [String: Any]
        }
        return JSONOutput.encode([
            "samples": once.cycle.run.samples.map(SampleReport.object),
            "cleanups": once.cleanups.map { volume, result -> [String: Any] in
                ["volume": volume, "outcome": result.verdict.rawValue, "message": result.message, "run": result.run.map { CleanupReport.object($0, showSkipped: false) } ?? NSNull()]
            },
            "growth": GrowthReport.objects(once.growth),
            "ttl": ttl,
            "lifecycle": once.lifecycle.map(EventLifecycleReport.object) ?? NSNull(),
            "failures": once.failures,
        ] as [String: Any])
    }
}
