import Logging

extension AgentWork {
    /// The event bucket's expiry rule, checked as the TTLs are: planned, put with `autoApplyLifecycle`
    /// (and not a dry run), drift counted otherwise. nil when no event bucket is configured.
    public struct LifecycleCheck: Sendable {
        public var plan: EventLifecyclePlan
        public var applied: Bool
        /// Still missing, different or refused after the check.
        public var drifts: Bool { !applied && plan.action != .none }
    }

    public func checkLifecycle() async throws -> LifecycleCheck? {
        guard config.s3.bucket != nil else { return nil }
        let logger = Logger(label: "lfmaint.agent")
        do {
            let workflow = try EventLifecycleWorkflow(config: config)
            let plan = try await workflow.plan()
            var check = LifecycleCheck(plan: plan, applied: false)
            if plan.action == .put, config.agent.autoApplyLifecycle, !dryRun {
                check.applied = try await workflow.apply().applied
            }
            status.recordLifecycle(drift: check.drifts ? 1 : 0)
            if check.drifts {
                logger.warning("event bucket lifecycle drift", metadata: ["bucket": "\(plan.bucket)", "action": "\(plan.action)",
                                                                          "autoApplyLifecycle": "\(config.agent.autoApplyLifecycle)"])
            }
            return check
        } catch {
            status.recordLifecycle(drift: nil)
            throw error
        }
    }
}
