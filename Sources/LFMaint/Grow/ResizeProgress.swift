/// Where a PVC's resize stands, read from its status as the external-resizer and the kubelet leave it.
enum ResizeProgress: Sendable, Equatable {
    case done(capacityBytes: Int64)
    /// The resizer or the node is working on it.
    case underWay(String)
    /// The resizer failed and retries (ControllerResizeError, NodeResizeError): its message.
    case erroring(String)
    /// Kubernetes gave up on this size (Controller/NodeResizeInfeasible): only a person can go on.
    case infeasible(String)

    static func of(_ claim: ClaimFacts, target: Int64) -> ResizeProgress {
        if let status = claim.resizeStatus, ResizeCondition.infeasible.contains(status) {
            return .infeasible("\(status)\(messages(claim, ResizeCondition.errors))")
        }
        if let error = claim.conditions.first(where: { ResizeCondition.errors.contains($0.type) }) {
            return .erroring("\(error.type): \(error.message ?? error.reason ?? "no message")")
        }
        if let capacity = claim.capacityBytes, capacity >= target, claim.resizeStatus == nil,
           !claim.conditions.contains(where: { ResizeCondition.inProgress.contains($0.type) }) {
            return .done(capacityBytes: capacity)
        }
        if let pending = claim.conditions.first(where: { $0.type == ResizeCondition.fileSystemResizePending }) {
            return .underWay("the volume is larger; waiting for the node to grow the file system (FileSystemResizePending"
                + "\(pending.message.map { ": \($0)" } ?? ""))")
        }
        if claim.conditions.contains(where: { $0.type == ResizeCondition.resizing }) || claim.resizeStatus != nil {
            return .underWay("the storage provider is resizing the volume (\(claim.resizeStatus ?? ResizeCondition.resizing))")
        }
        return .underWay("no resize condition on the PVC yet (Resizing): the resizer has not reported; before Kubernetes 1.31 a failure "
            + "shows only in the PVC's Events (kubectl describe pvc)")
    }

    var text: String {
        switch self {
        case .done(let bytes): "done: \(KubeQuantity.text(bytes)) in status.capacity"
        case .underWay(let text), .erroring(let text), .infeasible(let text): text
        }
    }

    private static func messages(_ claim: ClaimFacts, _ types: Set<String>) -> String {
        let texts = claim.conditions.filter { types.contains($0.type) }.compactMap { $0.message ?? $0.reason }
        return texts.isEmpty ? "" : ": " + texts.joined(separator: "; ")
    }
}
