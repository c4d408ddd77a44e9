import LFMaintEdges
import LFMaintSupport

/// How long one table keeps its rows: expire rows once `column` is older than `days`.
public struct RetentionRule: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Langfuse's event tables (`LangfuseTables`: traces, observations, scores, events_full, events_core).
        case app
        /// ClickHouse's own `system.*_log` tables.
        case systemLog
        /// A table the operator named in `retention.tables`.
        case configured
    }

    /// The longest retention lfmaint writes (50 years): see `ConfigValidation`.
    public static let maximumDays = 18_250

    var table: QualifiedTableName
    var column: SQLIdentifier
    var days: Int
    var kind: Kind
    /// Why the table has this rule, for `ttl plan`: what it holds and the setting its days come from.
    var reason: String

    init(table: QualifiedTableName, column: SQLIdentifier, days: Int, kind: Kind, reason: String = "") {
        self.table = table
        self.column = column
        self.days = days
        self.kind = kind
        self.reason = reason
    }
}
