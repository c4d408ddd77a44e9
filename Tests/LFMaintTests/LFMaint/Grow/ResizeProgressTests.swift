import Foundation
@testable import LFMaint
import Testing

/// A resize read from the PVC's status, in the shapes the external-resizer and the kubelet leave.
@Suite("Resize progress")
struct ResizeProgressTests {
    let gib = GrowthPlannerTests.gib

    func claim(_ status: String) throws -> ClaimFacts {
        let json = """
            {"kind":"PersistentVolumeClaim","apiVersion":"v1","metadata":{"name":"data","namespace":"langfuse","uid":"u-1",
             "resourceVersion":"77","annotations":{"pv.kubernetes.io/bind-completed":"yes"}},
             "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"120Gi"}},"storageClassName":"gp3",
                     "volumeMode":"Filesystem","volumeName":"pvc-1"},
             "status":\(status)}
            """
        return try ClaimFacts.read(json: Data(json.utf8), namespace: "langfuse", name: "data")
    }

    @Test func eachStageOfAResizeReadsAsItIs() throws {
        let resizing = try claim(#"{"phase":"Bound","capacity":{"storage":"100Gi"},"allocatedResources":{"storage":"120Gi"},"#
            + #""allocatedResourceStatuses":{"storage":"ControllerResizeInProgress"},"#
            + #""conditions":[{"type":"Resizing","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-12-06T05:00:00Z"}]}"#)
        #expect(resizing.resizing)
        #expect(ResizeProgress.of(resizing, target: 120 * gib).text.contains("ControllerResizeInProgress"))

        let pending = try claim(#"{"phase":"Bound","capacity":{"storage":"100Gi"},"#
            + #""allocatedResourceStatuses":{"storage":"NodeResizePending"},"#
            + #""conditions":[{"type":"FileSystemResizePending","status":"True","#
            + #""message":"Waiting for user to (re-)start a pod to finish file system resize of volume on node."}]}"#)
        #expect(ResizeProgress.of(pending, target: 120 * gib).text.contains("Waiting for user to (re-)start a pod"))

        let failing = try claim(#"{"phase":"Bound","capacity":{"storage":"100Gi"},"#
            + #""conditions":[{"type":"ControllerResizeError","status":"True","#
            + #""message":"failed to expand pvc with rpc error: VolumeModificationRateExceeded"}]}"#)
        #expect(ResizeProgress.of(failing, target: 120 * gib)
                == .erroring("ControllerResizeError: failed to expand pvc with rpc error: VolumeModificationRateExceeded"))

        let infeasible = try claim(#"{"phase":"Bound","capacity":{"storage":"100Gi"},"#
            + #""allocatedResourceStatuses":{"storage":"ControllerResizeInfeasible"},"#
            + #""conditions":[{"type":"ControllerResizeError","status":"True","message":"out of range"}]}"#)
        #expect(ResizeProgress.of(infeasible, target: 120 * gib) == .infeasible("ControllerResizeInfeasible: out of range"))

        let done = try claim(#"{"phase":"Bound","capacity":{"storage":"120Gi"},"allocatedResources":{"storage":"120Gi"}}"#)
        #expect(!done.resizing)
        #expect(ResizeProgress.of(done, target: 120 * gib) == .done(capacityBytes: 120 * gib))

        let untouched = try claim(#"{"phase":"Bound","capacity":{"storage":"100Gi"}}"#)
        #expect(ResizeProgress.of(untouched, target: 120 * gib).text.contains("no resize condition on the PVC yet"))
    }

    @Test func aConditionThatIsNotTrueIsNoResize() throws {
        let old = try claim(#"{"phase":"Bound","capacity":{"storage":"120Gi"},"conditions":[{"type":"Resizing","status":"False"}]}"#)
        #expect(!old.resizing)
    }

    @Test(arguments: [#"{"phase":"Bound","capacity":{"storage":"lots"}}"#, #"{"phase":"Bound","capacity":{"storage":"-1Gi"}}"#])
    func aSizeThatIsNotOneIsAClearError(status: String) {
        #expect { try claim(status) } throws: { String(describing: $0).contains("is not a size") }
    }

    @Test func aPVCWithoutARequestOrVersionIsRefused() {
        #expect(throws: GrowthError.self) {
            try ClaimFacts.read(json: Data(#"{"metadata":{"resourceVersion":"1"},"spec":{}}"#.utf8), namespace: "l", name: "p")
        }
        #expect(throws: GrowthError.self) {
            try ClaimFacts.read(json: Data(#"{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}"#.utf8), namespace: "l", name: "p")
        }
        #expect(throws: GrowthError.self) { try ClaimFacts.read(json: Data("[1,2]".utf8), namespace: "l", name: "p") }
    }
}
