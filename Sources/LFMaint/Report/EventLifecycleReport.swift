import Foundation

/// `s3 plan` and `s3 apply` output: the bucket, lfmaint's rule now and as planned, the rules kept.
public enum EventLifecycleReport {
    public static func text(_ plan: EventLifecyclePlan) -> String {
        var table = TextTable(header: ["BUCKET", "PREFIX", "RULE", "CURRENT", "DESIRED", "ACTION"])
        let action: String
        if case .refuse = plan.action { action = "refuse" } else { action = plan.action.description }
        table.add([plan.bucket, plan.prefix.isEmpty ? "(whole bucket)" : plan.prefix, EventLifecyclePlanner.ruleID,
                   plan.current.map(describe) ?? "-", describe(plan.desired), action])
        var text = table.render() + "\n\n"
        let others = plan.kept.map { $0.id ?? "(no ID)" }
        text += others.isEmpty ? "The bucket has no other lifecycle rule.\n"
            : "Kept as they are: \(others.count) other rule(s): \(others.joined(separator: ", "))\n"
        switch plan.action {
        case .none: text += "Nothing to change.\n"
        case .put: text += "`lfmaint s3 apply` puts the bucket's lifecycle configuration with this rule and every other rule it has.\n"
        case .refuse(let reason): text += "Refused, nothing will be put: \(reason)\n"
        }
        return text
    }

    public static func text(_ outcome: EventLifecycleOutcome) -> String {
        let plan = outcome.plan
        let objects = plan.prefix.isEmpty ? "every object" : "objects under \(plan.prefix)"
        return outcome.applied
            ? "Put and read back: bucket \(plan.bucket) expires \(objects) after \(plan.days) days; "
                + "\(plan.kept.count) other rule(s) kept.\n"
            : "Nothing to change: bucket \(plan.bucket) already expires \(objects) after \(plan.days) days.\n"
    }

    public static func json(_ plan: EventLifecyclePlan) -> String {
        JSONOutput.encode(object(plan))
    }

    public static func json(_ outcome: EventLifecycleOutcome) -> String {
        JSONOutput.encode(object(outcome))
    }

    public static func object(_ outcome: EventLifecycleOutcome) -> [String: Any] {
        var entry = object(outcome.plan)
        entry["applied"] = outcome.applied
        return entry
    }

    static func object(_ plan: EventLifecyclePlan) -> [String: Any] {
        [
            "bucket": plan.bucket,
            "prefix": plan.prefix,
            "rule": EventLifecyclePlanner.ruleID,
            "current": plan.current.map(describe) ?? NSNull(),
            "desired": describe(plan.desired),
            "action": plan.action.description,
            "kept": plan.kept.map { $0.id ?? NSNull() as Any },
        ]
    }

    static func describe(_ rule: LifecycleConfiguration.Rule) -> String {
        let filter = rule.prefix.map { $0.isEmpty ? "whole bucket" : "prefix \($0)" } ?? "other filter"
        let expiry = rule.expirationDays.map { "expire after \($0) days" } ?? "no expiry"
        return "\(filter), \(expiry)\(rule.enabled ? "" : ", disabled")"
    }
}
