import LFMaintEdges
import LFMaintSupport

/// One table's step in `lfmaint ttl plan`: what its TTL is, what it should be, and what `apply` would run.
public struct TTLStep: Sendable, Equatable {
    public enum Action: Sendable, Equatable, CustomStringConvertible {
        case none
        case modify
        case drop
        case skip(String)
        /// A table lfmaint leaves alone by design (`RetentionPolicy.Untouched`), and why.
        case leave(String)

        public var description: String {
            switch self {
            case .none: "none"
            case .modify: "modify"
            case .drop: "drop"
            case .skip(let reason): "skip: \(reason)"
            case .leave(let reason): "leave: \(reason)"
            }
        }

        public var changesSomething: Bool { self == .modify || self == .drop }
    }

    public var table: QualifiedTableName
    var current: String?
    var desired: String?
    public var action: Action
    /// The exact statements `apply` runs for this step, in order.
    var statements: [ClickHouseStatement]
    var totalBytes: Int64?
    /// Why the table has its rule (`RetentionRule.reason`); nil for tables without one.
    var reason: String?
    /// What undoes the TTL later (`TTLPlanner.restartWarning`); nil: it lasts.
    var warning: String?

    init(table: QualifiedTableName, current: String?, desired: String?, action: Action, statements: [ClickHouseStatement] = [],
                totalBytes: Int64? = nil, reason: String? = nil) {
        self.table = table
        self.current = current
        self.desired = desired
        self.action = action
        self.statements = statements
        self.totalBytes = totalBytes
        self.reason = reason
    }
}

extension Array where Element == TTLStep {
    public var hasPendingChanges: Bool { contains { $0.action.changesSomething } }
    /// Steps whose TTL a restart undoes.
    public var notLasting: [TTLStep] { filter { $0.warning != nil } }
}
