public enum GrowthError: Error, Equatable, CustomStringConvertible {
    case claim(namespace: String, name: String, String)
    /// The guard's refusal of a patch the planner made.
    case refused(String)
    /// The PVC changed between lfmaint's read and its patch (409 Conflict): nothing was changed.
    case conflict(String)

    public var description: String {
        switch self {
        case let .claim(namespace, name, detail): "PVC \(namespace)/\(name): \(detail)"
        case .refused(let detail): "refused: \(detail)"
        case .conflict(let detail): "the PVC changed since lfmaint read it; nothing was patched: \(detail)"
        }
    }
}
