/// One resize: from the PVC's requested size to a larger one, in whole GiB.
public struct GrowthStep: Sendable, Equatable {
    var fromBytes: Int64
    var toBytes: Int64
    /// Stopped at `grow.maxGiB`.
    var capped: Bool

    init(fromBytes: Int64, toBytes: Int64, capped: Bool = false) {
        self.fromBytes = fromBytes
        self.toBytes = toBytes
        self.capped = capped
    }

    var text: String {
        "\(KubeQuantity.text(fromBytes)) → \(KubeQuantity.text(toBytes))\(capped ? " (grow.maxGiB)" : "")"
    }
}

/// What growth does with one volume, and why.
public enum GrowthDecision: Sendable, Equatable {
    case grow(GrowthStep)
    /// Not now: a resize under way or not yet seen, the cooldown, a forecast still forming.
    case wait(String)
    /// Cannot: the StorageClass, the ceiling, the PVC itself. Needs a person.
    case refuse(String)
    /// No need: under the threshold, or not filling soon.
    case none(String)

    public var reason: String {
        switch self {
        case .grow(let step): "grow \(step.text)"
        case .wait(let reason), .refuse(let reason), .none(let reason): reason
        }
    }

    var isGrow: Bool { if case .grow = self { true } else { false } }

    /// The raw value of the report's `action`.
    var action: String {
        switch self {
        case .grow: "grow"
        case .wait: "wait"
        case .refuse: "refuse"
        case .none: "none"
        }
    }
}

/// What the PVC's StorageClass allows.
enum StorageClassFacts: Sendable, Equatable {
    /// `storageClassName` empty or absent: a volume provisioned by hand.
    case none
    case missing(String)
    case found(String, allowsExpansion: Bool)
}
