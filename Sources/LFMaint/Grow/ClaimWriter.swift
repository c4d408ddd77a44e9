import Foundation
import LFMaintEdges
import LFMaintSupport

/// The only code that writes to the Kubernetes API: the PVC's size (with lfmaint's resize record, in one
/// merge patch whose resourceVersion makes it conditional) and Events on the PVC. It needs a
/// `GrowPolicy`, which exists only when `grow.enabled` is set.
struct ClaimWriter: Sendable {
    /// The `source.component` and `reportingComponent` of lfmaint's Events.
    static let component = "lfmaint"
    let api: KubeAPI
    let policy: GrowPolicy

    /// Returns the PVC as patched. 409: the PVC changed since it was read, and nothing was changed.
    func patch(_ claim: ClaimFacts, to step: GrowthStep, record: ResizeRecord) async throws -> ClaimFacts {
        let body: [String: Any] = [
            "metadata": ["resourceVersion": claim.resourceVersion, "annotations": [ResizeRecord.annotation: record.text]],
            "spec": ["resources": ["requests": ["storage": KubeQuantity.gibibytes(step.toBytes)]]],
        ]
        let url = try ClaimReader.claimURL(api, namespace: claim.namespace, name: claim.name)
        let response = try await send(.patch, url, contentType: "application/merge-patch+json", body: body)
        if response.status == 409 { throw GrowthError.changed("409 \(KubeStatus.describe(response))") }
        try Self.expect(200, response, url: url)
        return try ClaimFacts.read(json: response.body, namespace: claim.namespace, name: claim.name)
    }

    enum EventType: String { case normal = "Normal", warning = "Warning" }

    /// A core/v1 Event on the PVC, as `kubectl describe pvc` shows it.
    func event(on claim: ClaimFacts, _ type: EventType, reason: String, message: String, now: Double) async throws {
        let time = TimeText.rfc3339(epochSeconds: Int64(now))
        var involved: [String: Any] = [
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": claim.namespace, "name": claim.name,
        ]
        if let uid = claim.uid { involved["uid"] = uid }
        let body: [String: Any] = [
            "apiVersion": "v1", "kind": "Event",
            // client-go's convention: the object's name, a dot, the time in hexadecimal nanoseconds.
            "metadata": ["name": "\(claim.name.prefix(200)).\(String(UInt64(max(0, now) * 1e9), radix: 16))", "namespace": claim.namespace],
            "involvedObject": involved,
            "type": type.rawValue, "reason": reason, "message": String(message.prefix(1024)),
            "source": ["component": Self.component], "reportingComponent": Self.component,
            "reportingInstance": Self.instance,
            "firstTimestamp": time, "lastTimestamp": time, "count": 1,
        ]
        let url = try ClaimReader.namespaceURL(api, claim.namespace) + "/events"
        try Self.expect(201, try await send(.post, url, contentType: "application/json", body: body), url: url)
    }

    /// The pod's name (Kubernetes sets HOSTNAME to it), without a DNS lookup.
    private static let instance = ServerText.oneLine(ProcessInfo.processInfo.environment["HOSTNAME"] ?? component, limit: 128)

    private func send(_ method: HTTPClientRequest.Method, _ url: String, contentType: String,
                      body: [String: Any]) async throws -> HTTPClientResponse {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return try await api.http.send(HTTPClientRequest(method: method, url: url, headers: api.headers(contentType: contentType),
                                                         body: data))
    }

    private static func expect(_ status: Int, _ response: HTTPClientResponse, url: String) throws {
        guard response.status != status, !(status == 201 && response.status == 200) else { return }
        throw KubeletError.http(url: Redaction.url(url), status: response.status, reason: KubeStatus.describe(response))
    }
}
