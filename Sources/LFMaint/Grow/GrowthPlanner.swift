import Foundation

/// Decides, from plain values, whether one volume's PVC grows now and to what size. The order of its
/// questions is the order of the answers' weight: no need, a resize already under way or not yet seen,
/// what forbids one, then whether the volume is filling.
public struct GrowthPlanner: Sendable {
    public struct Input: Sendable {
        public var sample: VolumeSample
        public var thresholdPercent: Double
        public var claim: ClaimFacts
        public var storageClass: StorageClassFacts
        /// The agent's forecast; nil in a single run, which has one sample and grows on the threshold alone.
        public var forecast: Forecast?
        /// Bytes that leave on their own soon (a cleanup's outdated parts): they count as free.
        public var expectedReliefBytes: Int64 = 0
        public var now: Double

        public init(sample: VolumeSample, thresholdPercent: Double, claim: ClaimFacts, storageClass: StorageClassFacts,
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

    public let policy: GrowPolicy

    public init(policy: GrowPolicy) {
        self.policy = policy
    }

    var settings: GrowSettings { policy.settings }

    public func decide(_ input: Input) -> GrowthDecision {
        guard let usage = Self.usage(input.sample, relief: input.expectedReliefBytes) else {
            return .wait("usage unknown: \(input.sample.error ?? "no capacity measured")")
        }
        guard usage >= input.thresholdPercent else {
            let relief = input.expectedReliefBytes > 0 ? " once the cleanup's outdated parts are gone" : ""
            return .none("at \(Percent.text(usage))\(relief), under its \(Percent.text(input.thresholdPercent)) threshold")
        }
        let claim = input.claim
        guard claim.phase == "Bound" else { return .refuse("the PVC is \(claim.phase ?? "in no phase"), not Bound") }
        if claim.resizing { return .wait("a resize is under way: \(ResizeProgress.of(claim, target: claim.requestBytes).text)") }
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
        guard claim.requestBytes < policy.maxBytes else {
            return .refuse("the PVC asks for \(ByteCount.readable(claim.requestBytes)) already, at or over grow.maxGiB "
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
        return .grow(step(from: claim.requestBytes))
    }

    /// The next size: `step.percent` more, at least `step.minGiB` more, whole GiB, never past the ceiling.
    public func step(from bytes: Int64) -> GrowthStep {
        let wanted = max(Double(bytes) * settings.stepPercent / 100, Double(settings.stepMinGiB) * Double(KubeQuantity.gibibyte))
        let grown = Double(bytes) + wanted
        let target = grown >= Double(policy.maxBytes) ? policy.maxBytes : KubeQuantity.roundedUpToGiB(Int64(grown))
        return GrowthStep(fromBytes: bytes, toBytes: min(target, policy.maxBytes), capped: target >= policy.maxBytes)
    }

    /// Not again until the last resize shows in a sample (the file system larger than lfmaint saw then)
    /// and its cooldown has passed: resizing twice on stale numbers is the classic autoscaler's bug.
    private func waitForLastResize(_ input: Input) -> GrowthDecision? {
        guard let text = input.claim.lastResizeAnnotation else { return nil }
        guard let record = ResizeRecord.read(text, now: input.now) else {
            return .refuse("its \(ResizeRecord.annotation) annotation is not one lfmaint wrote; remove it to let lfmaint grow this PVC")
        }
        let when = TimeText.utc(epochSeconds: record.at)
        if let total = input.sample.totalBytes, total <= record.sampledTotalBytes {
            return .wait("the resize to \(KubeQuantity.gibibytes(record.toBytes)) at \(when) does not show in a sample yet "
                + "(the file system is \(ByteCount.readable(total)), as before it)")
        }
        let elapsed = input.now - Double(record.at)
        if elapsed < settings.cooldownSeconds {
            return .wait("cooldown: the last resize was at \(when); the next may be in \(Int((settings.cooldownSeconds - elapsed).rounded(.up))) s")
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
