/// Every node's answer, indexed once by PVC so that each volume is found in one lookup (10,000 PVCs on
/// 1,000 nodes: 10,000 lookups, not 10 million).
struct NodeSummaries {
    typealias Answer = Result<[String: [KubeletSummary.Mount]], Error>

    /// `namespace/name` → the mounts every node reports for it, nodes in name order.
    let mounts: [String: [KubeletSummary.Mount]]
    let failures: [String: Error]
    /// The nodes that did not answer, in name order.
    let failed: [String]

    init(_ answers: [String: Answer]) {
        var mounts: [String: [KubeletSummary.Mount]] = [:]
        var failures: [String: Error] = [:]
        for node in answers.keys.sorted() {
            switch answers[node]! {
            case .success(let byPVC): mounts.merge(byPVC) { $0 + $1 }
            case .failure(let error): failures[node] = error
            }
        }
        self.mounts = mounts
        self.failures = failures
        failed = failures.keys.sorted()
    }
}
