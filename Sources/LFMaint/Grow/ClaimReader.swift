import Foundation
import LFMaintSupport

/// Reads a PVC and its StorageClass from the API server (`get` on persistentvolumeclaims in the
/// namespace, `get` on storageclasses). Names are checked before they go into a URL.
struct ClaimReader: Sendable {
    let api: KubeAPI

    func claim(namespace: String, name: String) async throws -> ClaimFacts {
        let object = try await api.get(try Self.claimURL(api, namespace: namespace, name: name), as: KubeClaimObject.self)
        return try ClaimFacts(object, namespace: namespace, name: name)
    }

    func storageClass(of claim: ClaimFacts) async throws -> StorageClassFacts {
        guard let name = claim.storageClass, !name.isEmpty else { return .none }
        guard KubeName.isValid(name) else {
            throw GrowthError.claim(namespace: claim.namespace, name: claim.name, "StorageClass name \"\(name.prefix(64))\" is not valid")
        }
        do {
            let object = try await api.get("\(api.apiServer)/apis/storage.k8s.io/v1/storageclasses/\(name)",
                as: KubeStorageClassObject.self)
            return .found(name, allowsExpansion: object.allowVolumeExpansion == true)
        } catch KubeletError.http(_, 404, _) {
            return .missing(name)
        }
    }

    /// The PVC's newest Warning Event not lfmaint's own (`list` on events): before Kubernetes 1.31 the only
    /// place a failed resize is told (`VolumeResizeFailed`, from the external-resizer).
    func lastWarning(of claim: ClaimFacts) async throws -> String? {
        try Self.checkName(namespace: claim.namespace, name: claim.name)
        let selector = "involvedObject.kind%3DPersistentVolumeClaim%2CinvolvedObject.name%3D\(claim.name)%2Ctype%3DWarning"
        let url = try Self.namespaceURL(api, claim.namespace) + "/events?fieldSelector=\(selector)"
        let ours = ClaimWriter.component
        let events = try await api.get(url, as: KubeEventList.self).items ?? []
        let theirs = events.filter { $0.source?.component != ours && $0.reportingComponent != ours }
        guard let newest = theirs.max(by: { ($0.lastTimestamp ?? "") < ($1.lastTimestamp ?? "") }) else { return nil }
        return ServerText.oneLine("\(newest.reason ?? "Warning"): \(newest.message ?? "")", limit: 512)
    }

    /// The namespace's path, its name checked first; every PVC and Event URL starts here.
    static func namespaceURL(_ api: KubeAPI, _ namespace: String) throws -> String {
        guard KubeName.isLabel(namespace) else {
            throw GrowthError.claim(namespace: String(namespace.prefix(64)), name: "", "not a valid Kubernetes namespace")
        }
        return "\(api.apiServer)/api/v1/namespaces/\(namespace)"
    }

    static func claimURL(_ api: KubeAPI, namespace: String, name: String) throws -> String {
        try checkName(namespace: namespace, name: name)
        return try namespaceURL(api, namespace) + "/persistentvolumeclaims/\(name)"
    }

    private static func checkName(namespace: String, name: String) throws {
        guard KubeName.isValid(name) else {
            throw GrowthError.claim(namespace: String(namespace.prefix(64)), name: String(name.prefix(64)), "not a valid Kubernetes name")
        }
    }
}

/// A core/v1 EventList, as far as a PVC's warnings need.
struct KubeEventList: Decodable {
    struct Item: Decodable {
        struct Source: Decodable { let component: String? }
        let reason: String?
        let message: String?
        let lastTimestamp: String?
        let reportingComponent: String?
        let source: Source?
    }
    let items: [Item]?
}

/// Kubernetes object names: a DNS-1123 subdomain (PVCs, StorageClasses), or a label (namespaces).
enum KubeName {
    static func isValid(_ name: String) -> Bool {
        name.utf8.count <= 253 && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0)) }
    }

    static func isLabel(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
