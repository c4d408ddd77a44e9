/// `s3 plan` and `s3 apply`: the event bucket's lifecycle rules read, planned, put, and read back.
public struct EventLifecycleWorkflow: Sendable {
    let config: Configuration
    let client: S3LifecycleClient

    public init(config: Configuration, client: S3LifecycleClient? = nil) throws {
        self.config = config
        self.client = try client ?? S3LifecycleClient(config: config)
    }

    /// A plan with what it was made from: the bucket's configuration, and the project IDs (read only when
    /// the events prefix lies inside media's keys).
    public struct Planned: Sendable {
        public var plan: EventLifecyclePlan
        var existing: LifecycleConfiguration
        var projects: [String]?
    }

    public func plan() async throws -> EventLifecyclePlan {
        try await planned().plan
    }

    public func planned() async throws -> Planned {
        let existing = try await client.read()
        var projects: [String]?
        if let ids = EventLifecycleGuard.projectIDs(prefix: config.s3.prefix, bucket: client.bucket, settings: config.s3) {
            projects = try await LangfuseProjects.ids(ids, settings: config.postgres)
        }
        let plan = EventLifecyclePlanner.plan(settings: config.s3, bucket: client.bucket, days: config.retention.appDays,
                                              existing: existing, projects: projects)
        return Planned(plan: plan, existing: existing, projects: projects)
    }

    public func apply() async throws -> EventLifecycleOutcome {
        try await apply(try await planned())
    }

    /// Puts the planned configuration, then reads it back: lfmaint's rule as planned, and every other
    /// rule still there as it was. A bucket whose rules changed since they were read gets no PUT.
    public func apply(_ planned: Planned) async throws -> EventLifecycleOutcome {
        let (plan, existing, projects) = (planned.plan, planned.existing, planned.projects)
        switch plan.action {
        case .refuse(let reason): throw EventLifecycleError.refused(reason)
        case .none: return EventLifecycleOutcome(plan: plan, applied: false)
        case .put: break
        }
        guard let configuration = plan.configuration else { throw EventLifecycleError.refused("a put with nothing to send") }
        try EventLifecycleGuard.check(configuration, replacing: existing, bucket: client.bucket, settings: config.s3, projects: projects)
        guard try await client.read() == existing else {
            throw EventLifecycleError.refused("the bucket's lifecycle configuration changed while lfmaint planned: "
                + "nothing was put; run it again")
        }
        try await client.put(configuration)
        let after = try await client.read()
        guard let rule = after.rules.first(where: { $0.id == EventLifecyclePlanner.ruleID }), rule.enabled,
              rule.prefix.map({ S3Key.same($0, plan.prefix) }) == true, rule.expirationDays == plan.days else {
            throw EventLifecycleError.notVerified("lfmaint's rule is missing or differs")
        }
        let missing = plan.kept.filter { kept in
            !after.rules.contains {
                $0.id == kept.id && $0.prefix == kept.prefix && $0.enabled == kept.enabled && $0.expirationDays == kept.expirationDays
            }
        }
        guard missing.isEmpty else {
            throw EventLifecycleError.notVerified("rules it had are gone or changed: "
                + "\(missing.map { $0.id ?? "(no ID)" }.joined(separator: ", "))")
        }
        return EventLifecycleOutcome(plan: plan, applied: true)
    }
}

public struct EventLifecycleOutcome: Sendable, Equatable {
    public var plan: EventLifecyclePlan
    /// Put and read back as planned.
    var applied: Bool
    /// Still missing, different or refused.
    public var drifts: Bool { !applied && plan.action != .none }

    public init(plan: EventLifecyclePlan, applied: Bool) {
        self.plan = plan
        self.applied = applied
    }
}
