import Foundation
import LFMaintSupport

/// The growth step's rows, under the cleanup's report: a table for people, an array for programs.
public enum GrowthReport {
    /// A `grow` row whose result is still `planned` can only be a dry run's.
    public static func text(_ rows: [GrowthRow]) -> String {
        let dryRun = rows.contains { $0.result == .planned && $0.decision.isGrow }
        let shown = rows.filter { if case .none = $0.decision { false } else { true } }
        guard !shown.isEmpty else { return "Growth: no volume is over its threshold.\n" }
        var table = TextTable(header: ["VOLUME", "PVC", "USAGE", "ACTION", "RESULT", "REASON"])
        for row in shown {
            table.add([row.volume.name, row.claimName ?? "-", row.usagePercent.map(Percent.text) ?? "-", row.decision.action,
                       result(row), reason(row)])
        }
        return "\nGrowth\(dryRun ? " (dry run: no PVC is patched)" : ""):\n" + table.render() + "\n"
    }

    public static func objects(_ rows: [GrowthRow]) -> [[String: Any]] {
        rows.map { row in
            var object: [String: Any] = [
                "volume": row.volume.name, "pvc": row.claimName ?? NSNull(), "usagePercent": row.usagePercent ?? NSNull(),
                "action": row.decision.action, "reason": reason(row), "outcome": row.result.outcome?.rawValue ?? NSNull(),
            ]
            if case .grow(let step) = row.decision {
                object["fromBytes"] = step.fromBytes
                object["toBytes"] = step.toBytes
                object["capped"] = step.capped
            }
            if case .resized(let capacity, let seconds) = row.result {
                object["capacityBytes"] = capacity
                object["seconds"] = seconds
            }
            return object
        }
    }

    private static func result(_ row: GrowthRow) -> String {
        switch row.result {
        case .planned: if case .grow = row.decision { "dry run" } else { "-" }
        case .resized(let capacity, let seconds): "resized to \(KubeQuantity.text(capacity)) in \(Int(seconds)) s"
        case .requested: "requested"
        case .skipped: "skipped"
        case .stalled: "stalled"
        case .failed: "failed"
        case .abandoned: "abandoned"
        }
    }

    private static func reason(_ row: GrowthRow) -> String {
        switch row.result {
        case .stalled(let why), .failed(let why), .abandoned(let why), .skipped(let why): why
        default: row.decision.reason
        }
    }
}
