/// The last word before a PVC is patched, independent of the planner: on the PVC read again just now,
/// the step must start from the PVC's size, stay within one step and under the ceiling, and no resize may
/// be under way, unseen in the sample, or within the cooldown. The patch itself carries the resourceVersion
/// read, so the API server refuses it if the PVC changes after this check.
enum GrowthGuard {
    /// `sampledTotal`: the file system's size in the sample the plan was made from.
    static func check(_ step: GrowthStep, claim: ClaimFacts, sampledTotal: Int64, policy: GrowPolicy, now: Double) throws {
        func refuse(_ why: String) -> GrowthError { .refused("\(claim.namespace)/\(claim.name): \(why)") }
        func changed(_ why: String) -> GrowthError { .changed("\(claim.namespace)/\(claim.name): \(why)") }
        guard claim.phase == "Bound" else { throw refuse("the PVC is not Bound") }
        guard !claim.resizing else { throw changed("a resize is under way") }
        guard claim.sizeBytes == step.fromBytes else {
            throw changed("the PVC has \(claim.sizeBytes) bytes now, not the \(step.fromBytes) planned from")
        }
        guard step.toBytes > step.fromBytes else { throw refuse("\(step.toBytes) bytes is no larger than \(step.fromBytes)") }
        guard step.toBytes <= policy.maxBytes else { throw refuse("\(step.toBytes) bytes is over grow.maxGiB") }
        guard step.toBytes % KubeQuantity.gibibyte == 0 else { throw refuse("\(step.toBytes) bytes is not a whole number of GiB") }
        let settings = policy.settings
        let oneStep = max(Double(step.fromBytes) * settings.stepPercent / 100, Double(settings.stepMinGiB) * Double(KubeQuantity.gibibyte))
        guard Double(step.toBytes - step.fromBytes) <= oneStep + Double(KubeQuantity.gibibyte) else {
            throw refuse("\(step.text) is more than one grow.step")
        }
        if let text = claim.lastResizeAnnotation {
            guard let record = ResizeRecord.read(text, now: now) else {
                throw refuse("its \(ResizeRecord.annotation) annotation is unreadable")
            }
            guard sampledTotal > record.sampledTotalBytes else { throw changed("the last resize does not show in the sample yet") }
            guard now - Double(record.at) >= settings.cooldownSeconds else {
                throw changed("within grow.cooldownSeconds of the last resize")
            }
        }
    }
}
