/// One table's line in `lfmaint ttl plan`: what its TTL is, what it should be, and what would be run.
public struct TTLPlanRow: Sendable, Equatable {
    public enum Action: Sendable, Equatable, CustomStringConvertible {
        case none
        case modify
        case drop
        case skip(String)

        public var description: String {
            switch self {
            case .none: "none"
            case .modify: "modify"
            case .drop: "drop"
            case .skip(let reason): "skip: \(reason)"
            }
        }

        public var changesSomething: Bool { self == .modify || self == .drop }
    }

    public var table: QualifiedTableName
    public var current: String?
    public var desired: String?
    public var action: Action
    /// The exact statements `apply` runs for this row, in order.
    public var statements: [ClickHouseStatement]
    public var totalBytes: Int64?

    public init(table: QualifiedTableName, current: String?, desired: String?, action: Action, statements: [ClickHouseStatement] = [], totalBytes: Int64? = nil) {
        self.table = table
        self.current = current
        self.desired = desired
        self.action = action
        self.statements = statements
        self.totalBytes = totalBytes
    }
}

extension Array where Element == TTLPlanRow {
    public var hasPendingChanges: Bool { contains { $0.action.changesSomething } }
}
