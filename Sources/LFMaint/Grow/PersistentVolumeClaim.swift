import Foundation
import LFMaintSupport

/// A PVC as the API server sends it (core/v1), as far as growing it needs; every field optional.
struct KubeClaimObject: Decodable {
    struct Metadata: Decodable {
        let name: String?
        let namespace: String?
        let uid: String?
        let resourceVersion: String?
        let annotations: [String: String]?
    }
    struct Spec: Decodable {
        struct Resources: Decodable { let requests: [String: String]? }
        let storageClassName: String?
        let resources: Resources?
    }
    struct Status: Decodable {
        struct Condition: Decodable {
            let type: String?
            let status: String?
            let reason: String?
            let message: String?
        }
        let phase: String?
        let capacity: [String: String]?
        let conditions: [Condition]?
        let allocatedResources: [String: String]?
        let allocatedResourceStatuses: [String: String]?
    }
    let metadata: Metadata?
    let spec: Spec?
    let status: Status?
}

/// A StorageClass (storage.k8s.io/v1): only whether it lets its volumes grow. Absent means no.
struct KubeStorageClassObject: Decodable {
    let allowVolumeExpansion: Bool?
    let provisioner: String?
}

/// A PVC's facts, each size checked where it enters: what it asks for, what it has, and any resize
/// under way (its conditions and `allocatedResourceStatuses`).
public struct ClaimFacts: Sendable, Equatable {
    struct Condition: Sendable, Equatable {
        var type: String
        var reason: String?
        var message: String?

        init(type: String, reason: String? = nil, message: String? = nil) {
            self.type = type
            self.reason = reason
            self.message = message
        }
    }

    var namespace: String
    var name: String
    var uid: String?
    var resourceVersion: String
    var phase: String?
    /// `spec.resources.requests.storage`.
    var requestBytes: Int64
    /// `status.capacity.storage`: nil until bound.
    var capacityBytes: Int64?
    /// `spec.storageClassName`: nil or empty is a statically provisioned volume.
    var storageClass: String?
    /// The conditions whose status is True.
    var conditions: [Condition]
    /// `status.allocatedResourceStatuses.storage` (Kubernetes 1.29+): ControllerResizeInProgress, NodeResizePending…
    var resizeStatus: String?
    /// lfmaint's own record of its last resize (`ResizeRecord.annotation`), as written.
    var lastResizeAnnotation: String?

    init(namespace: String, name: String, uid: String? = nil, resourceVersion: String, phase: String? = "Bound",
                requestBytes: Int64, capacityBytes: Int64?, storageClass: String?, conditions: [Condition] = [],
                resizeStatus: String? = nil, lastResizeAnnotation: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.phase = phase
        self.requestBytes = requestBytes
        self.capacityBytes = capacityBytes
        self.storageClass = storageClass
        self.conditions = conditions
        self.resizeStatus = resizeStatus
        self.lastResizeAnnotation = lastResizeAnnotation
    }

    /// What the volume is now: the request, or the capacity when the provider gave more.
    var sizeBytes: Int64 { max(requestBytes, capacityBytes ?? 0) }

    /// A resize is under way: the request is ahead of the capacity, or the resizer says so.
    var resizing: Bool {
        if let capacityBytes, requestBytes > capacityBytes { return true }
        return resizeStatus != nil || conditions.contains { ResizeCondition.inProgress.contains($0.type) }
    }

    /// A PVC as the API server's JSON has it.
    static func read(json: Data, namespace: String, name: String) throws -> ClaimFacts {
        let object: KubeClaimObject
        do {
            object = try JSONDecoder().decode(KubeClaimObject.self, from: json)
        } catch {
            throw GrowthError.claim(namespace: namespace, name: name, "not a PersistentVolumeClaim: \(error)")
        }
        return try ClaimFacts(object, namespace: namespace, name: name)
    }

    init(_ object: KubeClaimObject, namespace: String, name: String) throws {
        func bad(_ detail: String) -> GrowthError { .claim(namespace: namespace, name: name, detail) }
        guard let version = object.metadata?.resourceVersion, !version.isEmpty, version.count <= 64 else {
            throw bad("no metadata.resourceVersion")
        }
        guard let request = object.spec?.resources?.requests?["storage"] else { throw bad("no spec.resources.requests.storage") }
        guard let requestBytes = KubeQuantity.bytes(request), requestBytes > 0 else {
            throw bad("spec.resources.requests.storage \"\(request.prefix(64))\" is not a size")
        }
        var capacityBytes: Int64?
        if let capacity = object.status?.capacity?["storage"] {
            guard let bytes = KubeQuantity.bytes(capacity) else {
                throw bad("status.capacity.storage \"\(capacity.prefix(64))\" is not a size")
            }
            capacityBytes = bytes
        }
        self.init(namespace: namespace, name: name, uid: object.metadata?.uid, resourceVersion: version, phase: object.status?.phase,
                  requestBytes: requestBytes, capacityBytes: capacityBytes, storageClass: object.spec?.storageClassName,
                  conditions: (object.status?.conditions ?? []).compactMap { condition in
                      guard let type = condition.type, condition.status == "True" else { return nil }
                      return Condition(type: ServerText.oneLine(type, limit: 64),
                                       reason: condition.reason.map { ServerText.oneLine($0, limit: 128) },
                                       message: condition.message.map { ServerText.oneLine($0, limit: 512) })
                  },
                  resizeStatus: object.status?.allocatedResourceStatuses?["storage"].map { ServerText.oneLine($0, limit: 64) },
                  lastResizeAnnotation: object.metadata?.annotations?[ResizeRecord.annotation])
    }
}

/// The PVC condition types of a resize (core/v1 `PersistentVolumeClaimConditionType`) and the
/// `allocatedResourceStatuses` values that end one.
enum ResizeCondition {
    static let resizing = "Resizing"
    static let fileSystemResizePending = "FileSystemResizePending"
    static let controllerResizeError = "ControllerResizeError"
    static let nodeResizeError = "NodeResizeError"
    static let inProgress: Set<String> = [resizing, fileSystemResizePending, controllerResizeError, nodeResizeError]
    static let errors: Set<String> = [controllerResizeError, nodeResizeError]
    /// `…Failed` are the names Kubernetes 1.28–1.30 gave them (alpha).
    static let infeasible: Set<String> = [
        "ControllerResizeInfeasible", "NodeResizeInfeasible", "ControllerResizeFailed", "NodeResizeFailed",
    ]
}
