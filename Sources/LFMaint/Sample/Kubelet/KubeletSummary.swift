import Foundation
import LFMaintEdges
import LFMaintSupport

/// The parts of the kubelet's Summary API (`k8s.io/kubelet/pkg/apis/stats/v1alpha1`) lfmaint reads:
/// each pod's reference and its volumes that are PVCs. Every field is optional there, so every field is
/// optional here. Read straight from the bytes (`JSONCursor`): a Summary is mostly CPU, memory and
/// network figures, and decoding it through `Decodable` was a third of a 1,000-PVC `lfmaint sample`.
enum KubeletSummary {
    struct Reference {
        var name: String?
        var namespace: String?
    }

    struct Volume {
        var name: String?
        var availableBytes: Int64?
        var capacityBytes: Int64?
        var usedBytes: Int64?
        var inodes: Int64?
        var inodesUsed: Int64?
        var pvcRef: Reference?
    }

    /// A PVC's stats as one pod that mounts it reports them.
    struct Mount {
        let pod: String?
        let volume: Volume
    }

    /// Each PVC's mounts, by `namespace/name`: a PVC two pods mount is listed under each of them. A
    /// value of the wrong type, where lfmaint reads, makes the whole Summary unreadable.
    static func volumesByPVC(json: Data) throws -> [String: [Mount]] {
        var cursor = JSONCursor(json)
        var result: [String: [Mount]] = [:]
        try cursor.object { cursor, key in
            guard key == "pods" else { return try cursor.skipValue() }
            try cursor.arrayOrNull { cursor in
                let (pod, volumes) = try readPod(&cursor)
                for volume in volumes {
                    guard let ref = volume.pvcRef, let name = ref.name else { continue }
                    result["\(ref.namespace ?? pod?.namespace ?? "")/\(name)", default: []].append(Mount(pod: pod?.name, volume: volume))
                }
            }
        }
        try cursor.end()
        return result
    }

    private static func readPod(_ cursor: inout JSONCursor) throws -> (Reference?, [Volume]) {
        var reference: Reference?
        var volumes: [Volume] = []
        try cursor.object { cursor, key in
            switch key {
            case "podRef": reference = try readReference(&cursor)
            case "volume":
                try cursor.arrayOrNull { cursor in
                    if let volume = try readVolume(&cursor) { volumes.append(volume) }
                }
            default: try cursor.skipValue()
            }
        }
        return (reference, volumes)
    }

    private static func readReference(_ cursor: inout JSONCursor) throws -> Reference? {
        var reference = Reference()
        let present = try cursor.objectOrNull { cursor, key in
            switch key {
            case "name": reference.name = try string(&cursor)
            case "namespace": reference.namespace = try string(&cursor)
            default: try cursor.skipValue()
            }
        }
        return present ? reference : nil
    }

    private static func readVolume(_ cursor: inout JSONCursor) throws -> Volume? {
        var volume = Volume()
        let present = try cursor.objectOrNull { cursor, key in
            switch key {
            case "name": volume.name = try string(&cursor)
            case "availableBytes": volume.availableBytes = try number(&cursor)
            case "capacityBytes": volume.capacityBytes = try number(&cursor)
            case "usedBytes": volume.usedBytes = try number(&cursor)
            case "inodes": volume.inodes = try number(&cursor)
            case "inodesUsed": volume.inodesUsed = try number(&cursor)
            case "pvcRef": volume.pvcRef = try readReference(&cursor)
            default: try cursor.skipValue()
            }
        }
        return present ? volume : nil
    }

    private static func string(_ cursor: inout JSONCursor) throws -> String? {
        try cursor.null() ? nil : cursor.string()
    }

    private static func number(_ cursor: inout JSONCursor) throws -> Int64? {
        try cursor.null() ? nil : cursor.int64()
    }
}

/// The API server's node and pod lists, as far as lfmaint reads them.
struct KubeNodeList: Decodable {
    struct Item: Decodable {
        struct Metadata: Decodable { let name: String? }
        struct Status: Decodable {
            struct Address: Decodable {
                let type: String?
                let address: String?
            }
            let addresses: [Address]?
        }
        let metadata: Metadata?
        let status: Status?

        var internalIP: String? { status?.addresses?.first { $0.type == "InternalIP" }?.address }
    }
    let items: [Item]?
}

struct KubePodList: Decodable {
    struct Item: Decodable {
        struct Metadata: Decodable {
            let name: String?
            let namespace: String?
        }
        struct Spec: Decodable { let nodeName: String? }
        let metadata: Metadata?
        let spec: Spec?
    }
    let items: [Item]?
}

/// A Kubernetes `Status` error body: `{"kind":"Status","message":…,"reason":"Forbidden","code":403}`.
struct KubeStatus: Decodable {
    let message: String?
    let reason: String?

    /// What a refusal says: the Status's reason and message, else the start of the body.
    static func describe(_ response: HTTPClientResponse) -> String {
        let status = try? JSONDecoder().decode(KubeStatus.self, from: response.body)
        let reason = [status?.reason, status?.message].compactMap { $0 }.joined(separator: ": ")
        return reason.isEmpty ? response.bodySummary(limit: 200) : ServerText.oneLine(SecretScrubber.scrub(reason), limit: 512)
    }
}
