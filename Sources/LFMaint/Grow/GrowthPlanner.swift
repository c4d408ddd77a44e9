import Foundation
import LFMaintSupport

/// Decides, from plain values, whether one volume's PVC grows now and to what size. The order of its
/// questions is the order of the answers' weight: no need, a resize already under way or not yet seen,
/// what forbids one, then whether the volume is filling.
public struct GrowthPlanner: Sendable {
    struct Input: Sendable {
        var sample: VolumeSample
        var thresholdPercent: Double
        var claim: ClaimFacts
        var storageClass: StorageClassFacts
        /// The agent's forecast; nil in a single run, which has one sample and grows on the threshold alone.
        var forecast: Forecast?
        /// Bytes that leave on their own soon (a cleanup's outdated parts): they count as free.
        var expectedReliefBytes: Int64 = 0
        var now: Double

        init(sample: VolumeSample, thresholdPercent: Double, claim: ClaimFacts, storageClass: StorageClassFacts,
                    forecast: Forecast?, expectedReliefBytes: Int64 = 0, now: Double) {
            self.sample = sample
            self.thresholdPercent = thresholdPercent
            self.claim = claim
            self.storageClass = storageClass
            self.forecast = forecast
            self.expectedReliefBytes = expectedReliefBytes
            self.now = now
        }
    }

    let policy: GrowPolicy

    init(policy: GrowPolicy) {
        self.policy = policy
    }

    var settings: GrowSettings { policy.settings }

    /// Why a volume of this source cannot grow; nil when its source measures the PVC's file system.
    static func refusal(of source: VolumeSettings.Source) -> GrowthDecision? {
        source.measuresFileSystem ? nil
            : .refuse("its source (\(source.rawValue)) does not measure the PVC's file system: sample it with source: kubelet to grow it")
    }

    func decide(_ input: Input) -> GrowthDecision {
        guard let usage = Self.usage(input.sample, relief: input.expectedReliefBytes) else {
            return .wait("usage unknown: \(input.sample.error ?? "no capacity measured")")
        }
        guard usage >= input.thresholdPercent else {
            let relief = input.expectedReliefBytes > 0 ? " once the cleanup's outdated parts are gone" : ""
            return .none("at \(Percent.text(usage))\(relief), under its \(Percent.text(input.thresholdPercent)) threshold")
        }
        if let refusal = Self.refusal(of: input.sample.volume.source) { return refusal }
        let claim = input.claim
        guard claim.phase == "Bound" else { return .refuse("the PVC is \(claim.phase ?? "in no phase"), not Bound") }
        if claim.resizing {
            let progress = ResizeProgress.of(claim, target: claim.requestBytes)
            if case .infeasible = progress {
                return .refuse("Kubernetes gave up on the last resize (\(progress.text)): only a person can go on")
            }
            // lfmaint's own resize, long past its timeout: its follower has told of it, or died with the agent.
            if let record = claim.lastResizeAnnotation.flatMap({ ResizeRecord.read($0, now: input.now) }),
               record.toBytes == claim.requestBytes,
               input.now - Double(record.at) > settings.resizeTimeoutSeconds + Self.unseenGraceSeconds {
                return .refuse("lfmaint's resize of \(TimeText.utc(epochSeconds: record.at)) is still under way: \(progress.text)")
            }
            return .wait("a resize is under way: \(progress.text)")
        }
        if let waiting = waitForLastResize(input) { return waiting }
        switch input.storageClass {
        case .none:
            return .refuse("the PVC has no StorageClass (provisioned by hand): Kubernetes cannot expand it; grow the volume by hand")
        case .missing(let name):
            return .refuse("its StorageClass \(name) does not exist: Kubernetes cannot expand the PVC")
        case .found(let name, false):
            return .refuse("its StorageClass \(name) does not allow volume expansion (allowVolumeExpansion is not true): "
                + "set it on the class if its provisioner can expand volumes, or grow the volume by hand")
        case .found:
            break
        }
        let size = claim.sizeBytes
        guard size < policy.maxBytes else {
            return .refuse("the PVC has \(KubeQuantity.text(size)) already, at or over grow.maxGiB "
                + "(\(settings.maxGiB ?? 0) GiB): raise the ceiling or free space by hand")
        }
        switch input.forecast {
        case nil:
            break
        case .tooFewSamples?:
            return .wait("the forecast needs \(TimeToFull.minimumPoints) samples first")
        case .notFilling?:
            return .none("over its threshold but not filling (the forecast's line is flat or falling)")
        case .fillsIn(let seconds)?:
            if seconds > settings.whenFullWithinDays * 86_400 {
                return .none("forecast to fill in \(String(format: "%.1f", seconds / 86_400)) days, later than grow.whenFullWithinDays "
                    + "(\(settings.whenFullWithinDays))")
            }
        }
        return .grow(step(from: size))
    }

    /// The next size: `step.percent` more, at least `step.minGiB` more, whole GiB, never past the ceiling.
    func step(from bytes: Int64) -> GrowthStep {
        let wanted = max(Double(bytes) * settings.stepPercent / 100, Double(settings.stepMinGiB) * Double(KubeQuantity.gibibyte))
        let grown = Double(bytes) + wanted
        let target = grown >= Double(policy.maxBytes) ? policy.maxBytes : KubeQuantity.roundedUpToGiB(Int64(grown))
        return GrowthStep(fromBytes: bytes, toBytes: min(target, policy.maxBytes), capped: target >= policy.maxBytes)
    }

    /// How long a new capacity may take to show in a sample before a person is asked: the kubelet's stats
    /// refresh every minute, and the node grows the file system at its next mount check.
    static let unseenGraceSeconds = 900.0

    /// Not again until the last resize shows in a sample (the file system larger than lfmaint saw then)
    /// and its cooldown has passed: resizing twice on stale numbers is the classic autoscaler's bug. A
    /// PVC that has had its new size for the cooldown (15 min at least) while the file system never grew needs a person.
    private func waitForLastResize(_ input: Input) -> GrowthDecision? {
        guard let text = input.claim.lastResizeAnnotation else { return nil }
        guard let record = ResizeRecord.read(text, now: input.now) else {
            return .refuse("its \(ResizeRecord.annotation) annotation is not one lfmaint wrote; remove it to let lfmaint grow this PVC")
        }
        let when = TimeText.utc(epochSeconds: record.at)
        let elapsed = input.now - Double(record.at)
        if let total = input.sample.totalBytes, total <= record.sampledTotalBytes {
            let sampled = "the file system lfmaint samples is still \(ByteCount.readable(total)), as before it"
            if (input.claim.capacityBytes ?? 0) >= record.toBytes, elapsed >= max(settings.cooldownSeconds, Self.unseenGraceSeconds) {
                return .refuse("the PVC has had \(KubeQuantity.text(record.toBytes)) since \(when) but \(sampled): the node has not grown "
                    + "it (a pod restart finishes FileSystemResizePending), or this volume does not sample that PVC")
            }
            return .wait("the resize to \(KubeQuantity.text(record.toBytes)) at \(when) does not show in a sample yet (\(sampled))")
        }
        if elapsed < settings.cooldownSeconds {
            return .wait("cooldown: the last resize was at \(when); the next may be "
                + "\(Int((settings.cooldownSeconds - elapsed) / 60)) min later")
        }
        return nil
    }

    /// Usage with the expected relief counted as free.
    static func usage(_ sample: VolumeSample, relief: Int64) -> Double? {
        guard let usage = sample.usagePercent else { return nil }
        guard relief > 0, let total = sample.totalBytes, total > 0 else { return usage }
        return max(0, usage - Double(relief) / Double(total) * 100)
    }
}
