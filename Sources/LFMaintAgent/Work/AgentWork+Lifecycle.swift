import LFMaint

extension AgentWork {
    /// The event bucket's expiry rule, checked as the TTLs are: planned, put with `autoApplyLifecycle`
    /// (and not a dry run), drift counted otherwise. nil when no event bucket is configured.
    func checkLifecycle() async throws -> EventLifecycleOutcome? {
        guard config.s3.bucket != nil else { return nil }
        do {
            let workflow = try EventLifecycleWorkflow(config: config)
            let planned = try await workflow.planned()
            let outcome = planned.plan.action == .put && config.agent.autoApplyLifecycle && !dryRun
                ? try await workflow.apply(planned)
                : EventLifecycleOutcome(plan: planned.plan, applied: false)
            status.recordLifecycle(drift: outcome.drifts ? 1 : 0)
            if outcome.drifts {
                logger.warning("event bucket lifecycle drift",
                               metadata: ["bucket": "\(outcome.plan.bucket)", "action": "\(outcome.plan.action)",
                                          "autoApplyLifecycle": "\(config.agent.autoApplyLifecycle)"])
            }
            return outcome
        } catch {
            status.recordLifecycle(drift: nil)
            throw error
        }
    }
}
