/// A list of the kinds of one extension point (volume sources, publishers, cleanup actions), each a type in
/// a file of its own, listed once in `all`.
public protocol Registry {
    associatedtype Kind: Sendable
    /// In the order messages name them (`CleanupActions.all`: also the order a plan takes them).
    static var all: [Kind] { get }
    /// The word configs, plans and reports use for it.
    static func name(of kind: Kind) -> String
}

/// One kind of a registry, held by configs and plans and compared by its name.
public struct Registered<Kinds: Registry>: Hashable, Sendable, CaseIterable, RawRepresentable, CustomStringConvertible {
    public let kind: Kinds.Kind
    public var rawValue: String { Kinds.name(of: kind) }
    public var description: String { rawValue }
    public static var allCases: [Self] { Kinds.all.map(Self.init) }

    public init(_ kind: Kinds.Kind) { self.kind = kind }

    public init?(rawValue: String) {
        guard let kind = Kinds.all.first(where: { Kinds.name(of: $0) == rawValue }) else { return nil }
        self.kind = kind
    }

    public static func == (left: Self, right: Self) -> Bool { left.rawValue == right.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
