import Foundation

/// The parts of the kubelet's Summary API (`k8s.io/kubelet/pkg/apis/stats/v1alpha1`) lfmaint reads.
/// Every field is optional there, so every field is optional here.
struct KubeletSummary: Decodable {
    struct Node: Decodable {
        let nodeName: String?
    }

    struct Pod: Decodable {
        let podRef: Reference?
        let volume: [Volume]?
    }

    struct Reference: Decodable {
        let name: String?
        let namespace: String?
    }

    struct Volume: Decodable {
        var name: String?
        var availableBytes: Int64?
        var capacityBytes: Int64?
        var usedBytes: Int64?
        var inodes: Int64?
        var inodesUsed: Int64?
        var pvcRef: Reference?

        private enum CodingKeys: String, CodingKey {
            case name, availableBytes, capacityBytes, usedBytes, inodes, inodesUsed, pvcRef
        }

        /// A volume that is no PVC's (the projected service-account token, an emptyDir: half of a
        /// Summary's volumes) is read no further than its `pvcRef`.
        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            pvcRef = try container.decodeIfPresent(Reference.self, forKey: .pvcRef)
            guard pvcRef != nil else { return }
            name = try container.decodeIfPresent(String.self, forKey: .name)
            availableBytes = try container.decodeIfPresent(Int64.self, forKey: .availableBytes)
            capacityBytes = try container.decodeIfPresent(Int64.self, forKey: .capacityBytes)
            usedBytes = try container.decodeIfPresent(Int64.self, forKey: .usedBytes)
            inodes = try container.decodeIfPresent(Int64.self, forKey: .inodes)
            inodesUsed = try container.decodeIfPresent(Int64.self, forKey: .inodesUsed)
        }
    }

    let node: Node?
    let pods: [Pod]?

    /// A PVC's stats as one pod that mounts it reports them.
    struct Mount {
        let pod: String?
        let volume: Volume
    }

    /// Each PVC's mounts, by `namespace/name`: a PVC two pods mount is listed under each of them.
    func volumesByPVC() -> [String: [Mount]] {
        var result: [String: [Mount]] = [:]
        for pod in pods ?? [] {
            for volume in pod.volume ?? [] {
                guard let ref = volume.pvcRef, let name = ref.name else { continue }
                result["\(ref.namespace ?? pod.podRef?.namespace ?? "")/\(name)", default: []].append(Mount(pod: pod.podRef?.name, volume: volume))
            }
        }
        return result
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
