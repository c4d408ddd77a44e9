@testable import LFMaint
import Testing

/// The planner, from plain values: when a PVC grows, to what size, and every reason it does not.
@Suite("Growth planner")
struct GrowthPlannerTests {
    static let gib = Int64(1) << 30

    static func policy(percent: Double = 20, minGiB: Int = 5, maxGiB: Int = 500, cooldown: Double = 22_200) -> GrowPolicy {
        var settings = GrowSettings()
        settings.enabled = true
        settings.stepPercent = percent
        settings.stepMinGiB = minGiB
        settings.maxGiB = maxGiB
        settings.cooldownSeconds = cooldown
        return settings.policy!
    }

    static func claim(gib size: Int64 = 100, capacity: Int64? = nil, record: ResizeRecord? = nil) -> ClaimFacts {
        ClaimFacts(namespace: "langfuse", name: "data-langfuse-clickhouse-shard0-0", resourceVersion: "42", requestBytes: size * gib,
                   capacityBytes: (capacity ?? size) * gib, storageClass: "gp3", lastResizeAnnotation: record?.text)
    }

    /// lfmaint's record of a resize from 100 to 120 GiB, made when the file system was 100 GiB.
    static func resize(secondsAgo: Int64, now: Double) -> ResizeRecord {
        ResizeRecord(at: Int64(now) - secondsAgo, fromBytes: 100 * gib, toBytes: 120 * gib, sampledTotalBytes: 100 * gib)
    }

    static func sample(percent: Double, totalGiB: Int64 = 100) -> VolumeSample {
        let total = totalGiB * gib
        let used = Int64(Double(total) * percent / 100)
        return VolumeSample(volume: VolumeSettings(name: "clickhouse", component: .clickhouse, source: .kubelet, pvc: "data"),
                            usedBytes: used, totalBytes: total, availableBytes: total - used)
    }

    func decide(_ planner: GrowthPlanner = GrowthPlanner(policy: policy()), usage: Double = 95, claim: ClaimFacts = claim(),
                storageClass: StorageClassFacts = .found("gp3", allowsExpansion: true), forecast: Forecast? = nil,
                relief: Int64 = 0, totalGiB: Int64 = 100, now: Double = 2_000_000_000) -> GrowthDecision {
        planner.decide(.init(sample: Self.sample(percent: usage, totalGiB: totalGiB), thresholdPercent: 90, claim: claim,
                             storageClass: storageClass, forecast: forecast, expectedReliefBytes: relief, now: now))
    }

    @Test func aVolumeOverItsThresholdGrowsByOneStepInWholeGibibytes() {
        #expect(decide() == .grow(GrowthStep(fromBytes: 100 * Self.gib, toBytes: 120 * Self.gib)))
        #expect(decide(claim: Self.claim(gib: 10)) == .grow(GrowthStep(fromBytes: 10 * Self.gib, toBytes: 15 * Self.gib)),
                "at least minGiB")
        let odd = ClaimFacts(namespace: "l", name: "p", resourceVersion: "1", requestBytes: 100_000_000_000, capacityBytes: 100_000_000_000,
                             storageClass: "gp3")
        #expect(decide(claim: odd) == .grow(GrowthStep(fromBytes: 100_000_000_000, toBytes: 112 * Self.gib)), "120 GB rounds up to 112 GiB")
    }

    @Test func aProviderThatGaveMoreThanAskedIsGrownFromWhatItGave() {
        #expect(decide(claim: Self.claim(gib: 120, capacity: 100)).action == "wait",
                "a request ahead of the capacity is a resize under way")
        let roomy = ClaimFacts(namespace: "l", name: "p", resourceVersion: "1", requestBytes: 100 * Self.gib, capacityBytes: 110 * Self.gib,
                               storageClass: "gp3")
        #expect(decide(claim: roomy) == .grow(GrowthStep(fromBytes: 110 * Self.gib, toBytes: 132 * Self.gib)))
    }

    @Test func onlyASourceThatMeasuresThePVCsFileSystemGrowsIt() {
        let planner = GrowthPlanner(policy: Self.policy())
        for source in VolumeSettings.Source.allCases {
            var sample = Self.sample(percent: 95)
            sample.volume.source = source
            let decision = planner.decide(.init(sample: sample, thresholdPercent: 90, claim: Self.claim(),
                                                storageClass: .found("gp3", allowsExpansion: true), forecast: nil, now: 2_000_000_000))
            #expect((decision.action == "grow") == [.kubelet, .clickhouse, .statfs].contains(source), "\(source): \(decision)")
        }
    }

    @Test func aResizeKubernetesGaveUpOnNeedsAPerson() {
        for status in ["ControllerResizeInfeasible", "NodeResizeInfeasible", "ControllerResizeFailed"] {
            var claim = Self.claim()
            claim.resizeStatus = status
            guard case .refuse(let why) = decide(claim: claim) else { Issue.record("\(status)"); continue }
            #expect(why.contains(status) && why.contains("only a person"))
        }
    }

    @Test func aFileSystemThatNeverGrewAfterTheCooldownNeedsAPerson() {
        let now = 2_000_000_000.0
        let record = Self.resize(secondsAgo: 30_000, now: now)
        guard case .refuse(let why) = decide(claim: Self.claim(gib: 120, record: record), totalGiB: 100, now: now) else {
            Issue.record("capacity there, file system not"); return
        }
        #expect(why.contains("the node has not grown it"))
    }

    @Test func lfmaintsOwnResizeStuckPastItsTimeoutNeedsAPerson() {
        let now = 2_000_000_000.0
        let record = Self.resize(secondsAgo: 600, now: now)
        let stuck = Self.claim(gib: 120, capacity: 100, record: record)
        #expect(decide(claim: stuck, now: now).action == "wait", "within resizeTimeoutSeconds and the grace")
        guard case .refuse(let why) = decide(claim: stuck, now: now + 2_000) else { Issue.record("stuck"); return }
        #expect(why.contains("is still under way"))
    }

    @Test func theCeilingIsNeverPassed() {
        let planner = GrowthPlanner(policy: Self.policy(maxGiB: 110))
        #expect(decide(planner) == .grow(GrowthStep(fromBytes: 100 * Self.gib, toBytes: 110 * Self.gib, capped: true)))
        guard case .refuse(let why) = decide(planner, claim: Self.claim(gib: 110)) else { Issue.record("at the ceiling"); return }
        #expect(why.contains("grow.maxGiB"))
        for maxGiB in [1, 7, 99, 100, 101, 119, 120, 121, 1000] {
            let capped = GrowthPlanner(policy: Self.policy(percent: 37, minGiB: 3, maxGiB: maxGiB))
            for size in [1, 2, 50, 99, 100, 333, 999] {
                if case .grow(let step) = decide(capped, claim: Self.claim(gib: Int64(size))) {
                    #expect(step.toBytes <= Int64(maxGiB) * Self.gib && step.toBytes > step.fromBytes, "\(size) GiB, max \(maxGiB)")
                }
            }
        }
    }

    @Test func aStorageClassThatCannotExpandIsRefusedWithItsName() {
        for (facts, words) in [(StorageClassFacts.found("standard", allowsExpansion: false), "standard does not allow volume expansion"),
                               (.none, "no StorageClass"), (.missing("gone"), "gone does not exist")] {
            guard case .refuse(let why) = decide(storageClass: facts) else { Issue.record("\(facts)"); continue }
            #expect(why.contains(words), "\(why)")
        }
    }

    @Test func nothingGrowsUnderTheThresholdOrWhenOutdatedPartsWillFreeEnough() {
        #expect(decide(usage: 89).action == "none")
        #expect(decide(usage: 92, relief: 3 * Self.gib).action == "none", "92% less 3% of relief is under 90%")
        #expect(decide(usage: 92, relief: 1 * Self.gib).action == "grow")
    }

    @Test func aResizeUnderWayOrNotYetSampledWaits() {
        guard case .wait(let underWay) = decide(claim: Self.claim(gib: 120, capacity: 100)) else { Issue.record("request ahead"); return }
        #expect(underWay.contains("under way"))
        var resizing = Self.claim()
        resizing.conditions = [ClaimFacts.Condition(type: "FileSystemResizePending", message: "Waiting for user to (re-)start a pod")]
        #expect(decide(claim: resizing).action == "wait")
        var statusOnly = Self.claim()
        statusOnly.resizeStatus = "NodeResizeInProgress"
        #expect(decide(claim: statusOnly).action == "wait")

        let now = 2_000_000_000.0
        let record = Self.resize(secondsAgo: 600, now: now)
        guard case .wait(let stale) = decide(claim: Self.claim(gib: 120, record: record), totalGiB: 100, now: now) else {
            Issue.record("the sample still shows the old size"); return
        }
        #expect(stale.contains("does not show in a sample yet"))
        #expect(decide(claim: Self.claim(gib: 120, record: record), totalGiB: 118, now: now + 22_200)
            == .grow(GrowthStep(fromBytes: 120 * Self.gib, toBytes: 144 * Self.gib)))
    }

    @Test func theCooldownHoldsASecondResizeAfterTheFirstIsSeen() {
        let now = 2_000_000_000.0
        let record = Self.resize(secondsAgo: 600, now: now)
        guard case .wait(let why) = decide(claim: Self.claim(gib: 120, record: record), totalGiB: 118, now: now) else {
            Issue.record("within the cooldown"); return
        }
        #expect(why.contains("cooldown"))
        #expect(decide(claim: Self.claim(gib: 120, record: record), totalGiB: 118, now: now + 22_200).action == "grow")
    }

    @Test(arguments: ["{}", "not json", #"{"at":1,"fromBytes":2,"toBytes":1,"sampledTotalBytes":0}"#,
                      #"{"at":9999999999,"fromBytes":1,"toBytes":2,"sampledTotalBytes":0}"#,
                      #"{"at":-5,"fromBytes":1,"toBytes":2,"sampledTotalBytes":0}"#])
    func aResizeRecordLfmaintDidNotWriteRefusesTheGrowth(text: String) {
        var claim = Self.claim()
        claim.lastResizeAnnotation = text
        guard case .refuse(let why) = decide(claim: claim) else { Issue.record("\(text)"); return }
        #expect(why.contains(ResizeRecord.annotation))
    }

    @Test func theForecastGatesTheAgentsGrowth() {
        #expect(decide(forecast: .fillsIn(seconds: 86_400)).action == "grow")
        #expect(decide(forecast: .fillsIn(seconds: 8 * 86_400)).action == "none", "later than whenFullWithinDays (7)")
        #expect(decide(forecast: .notFilling).action == "none")
        #expect(decide(forecast: .tooFewSamples).action == "wait")
        #expect(decide(forecast: nil).action == "grow", "a single run has no forecast")
    }

    @Test func anUnboundOrUnmeasuredVolumeDoesNotGrow() {
        var pending = Self.claim()
        pending.phase = "Pending"
        #expect(decide(claim: pending).action == "refuse")
        let planner = GrowthPlanner(policy: Self.policy())
        let unknown = VolumeSample.unknown(VolumeSettings(name: "c", component: .clickhouse, source: .kubelet), "node down")
        let decision = planner.decide(.init(sample: unknown, thresholdPercent: 90, claim: Self.claim(),
                                            storageClass: .found("gp3", allowsExpansion: true), forecast: nil, now: 0))
        #expect(decision.action == "wait")
    }
}
