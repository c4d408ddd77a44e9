/// The only way a name from configuration reaches SQL: checked against `[A-Za-z_][A-Za-z0-9_]*` and
/// backquoted. Anything else is refused before any SQL is written.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init?(_ name: String) {
        guard let first = name.utf8.first, Self.isHead(first), name.utf8.allSatisfy(Self.isTail), name.utf8.count <= 128 else {
            return nil
        }
        self.name = name
    }

    public var quoted: String { "`\(name)`" }
    public var description: String { name }

    private static func isHead(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    private static func isTail(_ byte: UInt8) -> Bool {
        isHead(byte) || (byte >= 0x30 && byte <= 0x39)
    }
}

/// `database.table`, both parts valid identifiers.
public struct QualifiedTableName: Sendable, Hashable, CustomStringConvertible {
    public let database: SQLIdentifier
    public let table: SQLIdentifier

    public init(database: SQLIdentifier, table: SQLIdentifier) {
        self.database = database
        self.table = table
    }

    /// A table the server named (`system.tables` and the like); nil when either part is not a plain identifier.
    public init?(database: String, table: String) {
        guard let database = SQLIdentifier(database), let table = SQLIdentifier(table) else { return nil }
        self.init(database: database, table: table)
    }

    /// Parses `db.table`; a bare `table` takes `defaultDatabase`.
    init?(_ text: String, defaultDatabase: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            guard let database = SQLIdentifier(defaultDatabase), let table = SQLIdentifier(parts[0]) else { return nil }
            self.init(database: database, table: table)
        case 2:
            guard let database = SQLIdentifier(parts[0]), let table = SQLIdentifier(parts[1]) else { return nil }
            self.init(database: database, table: table)
        default:
            return nil
        }
    }

    public var quoted: String { "\(database.quoted).\(table.quoted)" }
    public var description: String { "\(database.name).\(table.name)" }
}
