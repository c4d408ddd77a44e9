/// A ClickHouse server version such as `26.9.2.1`, compared part by part.
struct ServerVersion: Sendable, Comparable, CustomStringConvertible {
    let parts: [Int]

    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").map { Int($0) }
        guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { return nil }
        self.parts = parts.compactMap { $0 }
    }

    var description: String { parts.map(String.init).joined(separator: ".") }

    static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        for (left, right) in zip(lhs.parts, rhs.parts) where left != right { return left < right }
        return lhs.parts.count < rhs.parts.count
    }

    func supports(_ feature: ClickHouseFeature) -> Bool {
        self >= ServerVersion(feature.minimumVersion)!
    }
}

/// Server features lfmaint relies on, with the first version that has each.
public enum ClickHouseFeature: Sendable, Equatable {
    case ttl, systemDisks, lightweightDelete

    var minimumVersion: String {
        switch self {
        case .ttl: "19.6"
        case .systemDisks: "19.15"
        case .lightweightDelete: "22.8"
        }
    }

    var title: String {
        switch self {
        case .ttl: "table TTL"
        case .systemDisks: "system.disks"
        case .lightweightDelete: "lightweight DELETE"
        }
    }
}
