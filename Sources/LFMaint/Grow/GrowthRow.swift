/// One volume in a growth run: what was decided, and what came of it.
public struct GrowthRow: Sendable, Equatable {
    public var volume: VolumeSettings
    var usagePercent: Double?
    var claim: ClaimFacts?
    public var decision: GrowthDecision
    public var result: GrowthResult = .planned

    public init(volume: VolumeSettings, usagePercent: Double?, claim: ClaimFacts? = nil, decision: GrowthDecision) {
        self.volume = volume
        self.usagePercent = usagePercent
        self.claim = claim
        self.decision = decision
    }

    /// A resize was applied, or asked for and followed.
    public var grew: Bool {
        switch result {
        case .resized, .requested: true
        default: false
        }
    }

    var claimName: String? { volume.pvc.map { "\(volume.namespace ?? "")/\($0)" } }
}

public enum GrowthResult: Sendable, Equatable {
    /// Nothing was sent: a dry run, or a decision other than `grow`.
    case planned
    case resized(capacityBytes: Int64, seconds: Double)
    /// Patched; the agent follows the resize on its own (`GrowthWorkflow.follow`).
    case requested
    /// The PVC changed since it was read (another lfmaint, a person): nothing was patched.
    case skipped(String)
    /// `grow.resizeTimeoutSeconds` passed with the capacity still short; the last word of the resizer.
    case stalled(String)
    case failed(String)
    /// lfmaint stopped (SIGTERM) while it waited: the resize goes on without it, and the next run sees it.
    case abandoned(String)

    /// The `outcome` label of `lfmaint_volume_resizes_total`.
    public var outcome: ResizeOutcome? {
        switch self {
        case .planned, .requested, .skipped: nil
        case .resized: .resized
        case .stalled: .stalled
        case .failed: .failed
        case .abandoned: .abandoned
        }
    }
}

public enum ResizeOutcome: String, Sendable, CaseIterable {
    case resized, stalled, failed, abandoned
}

extension [GrowthRow] {
    /// A resize failed or stalled, or a PVC could not be read.
    public var hasFailures: Bool {
        contains { row in
            switch row.result {
            case .failed, .stalled: true
            default: false
            }
        }
    }
    /// Every volume over its threshold was resized or is being resized (or none was over).
    public var relievedAll: Bool {
        allSatisfy { row in
            if case .none = row.decision { return true }
            return row.grew
        }
    }
}
