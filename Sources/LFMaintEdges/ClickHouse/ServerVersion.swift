/// A ClickHouse server version such as `26.9.2.1`, compared part by part.
public struct ServerVersion: Sendable, Comparable, CustomStringConvertible {
    public let parts: [Int]

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").map { Int($0) }
        guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { return nil }
        self.parts = parts.compactMap { $0 }
    }

    public var description: String { parts.map(String.init).joined(separator: ".") }

    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        for (left, right) in zip(lhs.parts, rhs.parts) where left != right { return left < right }
        return lhs.parts.count < rhs.parts.count
    }

    public func supports(_ feature: ClickHouseFeature) -> Bool {
        self >= ServerVersion(feature.minimumVersion)!
    }
}

/// Server features lfmaint relies on, with the first version that has each.
public enum ClickHouseFeature: Sendable, Equatable {
    case ttl, systemDisks, lightweightDelete

    public var minimumVersion: String {
        switch self {
        case .ttl: "19.6"
        case .systemDisks: "19.15"
        case .lightweightDelete: "22.8"
        }
    }

    public var title: String {
        switch self {
        case .ttl: "table TTL"
        case .systemDisks: "system.disks"
        case .lightweightDelete: "lightweight DELETE"
        }
    }
}
