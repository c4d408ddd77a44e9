import Foundation
@testable import LFMaint
@testable import LFMaintSupport
import Testing

/// A Summary read straight from its bytes: the PVC volumes of each pod, whatever order the keys come
/// in, with every field optional, and a wrong type where lfmaint reads refused.
struct KubeletSummaryTests {
    static let summary = #"""
        {"node": {"nodeName": "n1", "cpu": {"usageNanoCores": 5}, "fs": {"capacityBytes": 1}},
         "pods": [
           {"volume": [{"name": "kube-api-access", "capacityBytes": 4096, "availableBytes": 4000},
                       {"name": "data", "capacityBytes": 100, "availableBytes": 40, "usedBytes": 60, "inodes": 10, "inodesUsed": 3,
                        "pvcRef": {"name": "data-ch-0", "namespace": "langfuse"}, "time": "2026-11-23T10:00:00Z"}],
            "podRef": {"name": "ch-0", "namespace": "langfuse", "uid": "u1"},
            "containers": [{"name": "c", "rootfs": {"capacityBytes": 9}}]},
           {"podRef": {"name": "backup-\u006aob", "namespace": "langfuse"},
            "volume": [{"capacityBytes": 100, "availableBytes": 90, "pvcRef": {"name": "data-ch-0"}}, null]},
           {"podRef": null, "volume": null},
           {"podRef": {"name": "pg-0", "namespace": "db"}, "volume": [{"capacityBytes": null, "pvcRef": {"name": "pg", "namespace": null}}]}
         ]}
        """#

    @Test func readsEveryPVCVolumeOfEveryPodWhateverTheKeyOrder() throws {
        let byPVC = try KubeletSummary.volumesByPVC(json: Data(Self.summary.utf8))
        #expect(Set(byPVC.keys) == ["langfuse/data-ch-0", "db/pg"])
        let mounts = try #require(byPVC["langfuse/data-ch-0"])
        #expect(mounts.map(\.pod) == ["ch-0", "backup-job"])
        #expect(mounts[0].volume.capacityBytes == 100 && mounts[0].volume.availableBytes == 40 && mounts[0].volume.usedBytes == 60)
        #expect(mounts[0].volume.inodes == 10 && mounts[0].volume.inodesUsed == 3 && mounts[0].volume.name == "data")
        #expect(mounts[1].volume.availableBytes == 90 && mounts[1].volume.usedBytes == nil)
        let postgres = try #require(byPVC["db/pg"]?.first)
        #expect(postgres.pod == "pg-0" && postgres.volume.capacityBytes == nil)
    }

    @Test func aSummaryWithoutPodsHasNoVolumes() throws {
        for text in [#"{}"#, #"{"pods": null}"#, #"{"pods": []}"#, #"{"node": {}, "pods": [{}]}"#] {
            #expect(try KubeletSummary.volumesByPVC(json: Data(text.utf8)).isEmpty, "\(text)")
        }
    }

    @Test func aWrongTypeWhereLFMaintReadsMakesTheSummaryUnreadable() {
        let wrong = [
            #"{"pods": [{"volume": [{"capacityBytes": "100", "pvcRef": {"name": "p"}}]}]}"#,
            #"{"pods": [{"volume": [{"capacityBytes": 1.5, "pvcRef": {"name": "p"}}]}]}"#,
            #"{"pods": [{"volume": [{"capacityBytes": 92233720368547758070, "pvcRef": {"name": "p"}}]}]}"#,
            #"{"pods": [{"podRef": ["ch-0"]}]}"#,
            #"{"pods": [{"volume": [{"pvcRef": {"name": 7}}]}]}"#,
            #"{"pods": {"a": 1}}"#,
            #"[]"#,
            #"{"pods": []} trailing"#,
            String(Self.summary.dropLast(3)),
        ]
        for text in wrong {
            #expect(throws: JSONCursor.Failure.self, "\(text)") { try KubeletSummary.volumesByPVC(json: Data(text.utf8)) }
        }
    }

    @Test func whatLFMaintDoesNotReadMayBeAnything() throws {
        let odd = #"{"node": [[[1e400, "\ud800", {"x": [true, false, null]}]]], "pods": [{"cpu": -0.5e-3, "volume": "#
            + #"[{"time": {"nested": [1]}, "pvcRef": {"name": "p", "namespace": "n", "uid": 9}}]}]}"#
        #expect(try KubeletSummary.volumesByPVC(json: Data(odd.utf8)).keys.sorted() == ["n/p"])
    }
}
