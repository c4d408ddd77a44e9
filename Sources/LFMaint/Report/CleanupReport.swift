import Foundation

/// `lfmaint cleanup` output: a summary for people, JSON for programs.
public enum CleanupReport {
    public static func text(_ run: CleanupRun) -> String {
        var text = "\(run.dryRun ? "Dry run: nothing was changed. " : "")Usage \(Percent.text(run.before)) → \(Percent.text(run.after)) "
        text += "(threshold \(run.thresholdPercent)%, target \(run.targetPercent)%)"
        text += run.dryRun ? ", estimated to free \(ByteCount.readable(run.freedBytes)).\n" : ", freed \(ByteCount.readable(run.freedBytes)).\n"
        text += run.conclusion + "\n"
        guard !run.outcomes.isEmpty else { return text }
        var table = TextTable(header: ["STATUS", "TABLE", "ACTION", run.dryRun ? "ESTIMATE" : "FREED", "USAGE AFTER", "REASON"])
        for outcome in run.outcomes {
            table.add([outcome.status.rawValue, outcome.step.table.description, outcome.step.action.rawValue,
                       outcome.freedBytes.map(ByteCount.readable) ?? "-", outcome.usageAfter.map(Percent.text) ?? "-",
                       outcome.reason ?? outcome.step.reason])
        }
        text += "\n" + table.render() + "\n\nStatements:\n"
        text += run.outcomes.filter { $0.status != .skipped }.map { "  \($0.step.statement);" }.joined(separator: "\n") + "\n"
        return text
    }

    public static func json(_ run: CleanupRun) -> String {
        JSONOutput.encode(object(run))
    }

    static func object(_ run: CleanupRun) -> [String: Any] {
        [
            "before": run.before, "after": run.after, "target": run.targetPercent, "threshold": run.thresholdPercent,
            "dryRun": run.dryRun, "conclusion": run.conclusion,
            "steps": run.outcomes.map { outcome -> [String: Any] in
                [
                    "table": outcome.step.table.description, "action": outcome.step.action.rawValue, "statement": outcome.step.statement,
                    "freedBytes": outcome.freedBytes ?? NSNull(), "status": outcome.status.rawValue,
                    "reason": outcome.reason ?? outcome.step.reason, "estimatedBytes": outcome.step.estimatedBytes,
                ]
            },
        ]
    }

}
