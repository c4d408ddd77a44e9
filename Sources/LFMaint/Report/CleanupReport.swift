import Foundation
import LFMaintSupport

/// `lfmaint cleanup` output: a summary for people, JSON for programs.
public enum CleanupReport {
    /// Steps that were not needed are left out unless `showSkipped`.
    public static func text(_ run: CleanupRun, showSkipped: Bool = false) -> String {
        var text = "\(run.dryRun ? "Dry run: nothing was changed. " : "")Usage \(Percent.text(run.before)) → \(Percent.text(run.after)) "
        text += "(threshold \(run.thresholdPercent)%, target \(run.targetPercent)%)"
        text += run.dryRun ? ", estimated to free \(ByteCount.readable(run.freedBytes)).\n" : ", freed \(ByteCount.readable(run.freedBytes)).\n"
        text += run.conclusion + "\n"
        let outcomes = shown(run, showSkipped: showSkipped)
        guard !outcomes.isEmpty else { return text }
        var table = TextTable(header: ["STATUS", "TABLE", "ACTION", run.dryRun ? "ESTIMATE" : "FREED", "USAGE AFTER", "REASON"])
        for outcome in outcomes {
            table.add([outcome.status.rawValue, outcome.step.table.description, outcome.step.action.rawValue,
                       outcome.freedBytes.map(ByteCount.readable) ?? "-", outcome.usageAfter.map(Percent.text) ?? "-",
                       outcome.reason ?? outcome.step.reason])
        }
        text += "\n" + table.render() + "\n\nStatements:\n"
        text += outcomes.filter { $0.status != .skipped && $0.status != .notNeeded }
            .flatMap(\.statements).map { "  \($0);" }.joined(separator: "\n") + "\n"
        return text
    }

    public static func json(_ run: CleanupRun, showSkipped: Bool = false) -> String {
        JSONOutput.encode(object(run, showSkipped: showSkipped))
    }

    /// With the growth step (`grow.enabled`): its rows under `growth`.
    public static func json(_ run: CleanupRun, showSkipped: Bool = false, growth: [GrowthRow]) -> String {
        var object = object(run, showSkipped: showSkipped)
        object["growth"] = GrowthReport.objects(growth)
        return JSONOutput.encode(object)
    }

    static func shown(_ run: CleanupRun, showSkipped: Bool) -> [CleanupOutcome] {
        showSkipped ? run.outcomes : run.outcomes.filter { $0.status != .notNeeded }
    }

    public static func object(_ run: CleanupRun, showSkipped: Bool) -> [String: Any] {
        [
            "before": run.before, "after": run.after, "target": run.targetPercent, "threshold": run.thresholdPercent,
            "dryRun": run.dryRun, "conclusion": run.conclusion, "pendingBytes": run.pendingBytes,
            "steps": shown(run, showSkipped: showSkipped).map { outcome -> [String: Any] in
                [
                    "table": outcome.step.table.description, "action": outcome.step.action.rawValue, "statement": outcome.statementText, "pendingBytes": outcome.pendingBytes,
                    "freedBytes": outcome.freedBytes ?? NSNull(), "status": outcome.status.rawValue,
                    "reason": outcome.reason ?? outcome.step.reason, "estimatedBytes": outcome.step.estimatedBytes,
                ]
            },
        ]
    }

}
