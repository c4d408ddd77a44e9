enum GrowthError: Error, Equatable, CustomStringConvertible {
    case claim(namespace: String, name: String, String)
    /// The guard's refusal of a patch the planner made: they disagree, which is a bug to report.
    case refused(String)
    /// The PVC changed since lfmaint read it (409 Conflict, or another resize): nothing was patched.
    case changed(String)

    var description: String {
        switch self {
        case let .claim(namespace, name, detail): "PVC \(namespace)/\(name): \(detail)"
        case .refused(let detail): "refused: \(detail)"
        case .changed(let detail): "the PVC changed since lfmaint read it; nothing was patched: \(detail)"
        }
    }
}
