/// How long one table keeps its rows: expire rows once `column` is older than `days`.
public struct RetentionRule: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Langfuse's time-partitioned tables (traces, observations, scores).
        case app
        /// ClickHouse's own `system.*_log` tables.
        case systemLog
        /// A table the operator named in `retention.tables`.
        case configured
    }

    /// The longest retention lfmaint writes (50 years): see `ConfigValidation`.
    public static let maximumDays = 18_250

    public var table: QualifiedTableName
    public var column: SQLIdentifier
    public var days: Int
    public var kind: Kind

    public init(table: QualifiedTableName, column: SQLIdentifier, days: Int, kind: Kind) {
        self.table = table
        self.column = column
        self.days = days
        self.kind = kind
    }
}
