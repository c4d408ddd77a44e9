/// The `grow` section: opt-in growth of a volume's PVC when nothing more may be deleted from it. Off by
/// default; on, it needs a ceiling (`maxGiB`) and the rights of `k8s/components/volume-growth`.
public struct GrowSettings: Sendable, Equatable {
    var enabled = false
    /// Grow only a volume forecast to fill within this many days (the agent's forecast; one run has none).
    var whenFullWithinDays = 7.0
    /// Each resize adds this share of the PVC's size…
    var stepPercent = 20.0
    /// …and at least this many GiB.
    var stepMinGiB = 5
    /// Never ask for more than this many GiB. Required when enabled.
    var maxGiB: Int?
    /// Least time between two resizes of one PVC: EBS allows one change per volume per 6 hours (newer: 4 per 24 h);
    /// 6 h 10 min, as Kubernetes-Volume-Autoscaler.
    var cooldownSeconds = 22_200.0
    /// A resize not finished by then (the PVC's capacity still short) has stalled.
    var resizeTimeoutSeconds = 600.0
    /// How often the PVC is read while a resize runs.
    var resizePollSeconds = 5.0

    init() {}

    /// The only way to a `GrowPolicy`, and so to anything that writes to the Kubernetes API.
    public var policy: GrowPolicy? {
        guard enabled, let maxGiB, (1...GrowPolicy.largestGiB).contains(maxGiB) else { return nil }
        return GrowPolicy(settings: self, maxBytes: Int64(maxGiB) * KubeQuantity.gibibyte)
    }

    static func read(_ section: inout YAMLSection) throws -> GrowSettings {
        var settings = GrowSettings()
        if let value = try section.bool("enabled") { settings.enabled = value }
        if let value = try section.double("whenFullWithinDays") { settings.whenFullWithinDays = value }
        if var step = try section.section("step") {
            if let value = try step.double("percent") { settings.stepPercent = value }
            if let value = try step.int("minGiB") { settings.stepMinGiB = value }
            try step.finish()
        }
        if let value = try section.int("maxGiB") { settings.maxGiB = value }
        if let value = try section.double("cooldownSeconds") { settings.cooldownSeconds = value }
        if let value = try section.double("resizeTimeoutSeconds") { settings.resizeTimeoutSeconds = value }
        if let value = try section.double("resizePollSeconds") { settings.resizePollSeconds = value }
        try section.finish()
        return settings
    }

    /// With growth on (the caller checks), every volume it may grow must name a PVC Kubernetes could have: checked at load,
    /// not after a cleanup. Docker compose's volumes are not PVCs.
    func validate(volumes: [VolumeSettings], chart: LangfuseDeployment.Chart) throws {
        for volume in volumes {
            if let pvc = volume.pvc, !KubeName.isValid(pvc) {
                let compose = chart == .compose ? " (docker compose's volumes are not PVCs: growth is for Kubernetes)" : ""
                throw ConfigError(key: "grow.enabled", "volume \(volume.name): \"\(pvc.prefix(64))\" "
                    + "is not a Kubernetes PVC name\(compose)")
            }
            if let namespace = volume.namespace, !KubeName.isLabel(namespace) {
                throw ConfigError(key: "grow.enabled", "volume \(volume.name): \"\(namespace.prefix(64))\" is not a Kubernetes namespace")
            }
        }
    }

    func validate() throws {
        try ConfigValidation.positive(whenFullWithinDays, key: "grow.whenFullWithinDays", atMost: 3650, unit: "days")
        try ConfigValidation.positive(stepPercent, key: "grow.step.percent", atMost: 100, unit: "%")
        guard (0...10_000).contains(stepMinGiB) else {
            throw ConfigError(key: "grow.step.minGiB", "must be 0 to 10000 GiB, got \(stepMinGiB)")
        }
        if let maxGiB, !(1...GrowPolicy.largestGiB).contains(maxGiB) {
            throw ConfigError(key: "grow.maxGiB", "must be 1 to \(GrowPolicy.largestGiB) GiB, got \(maxGiB)")
        }
        if enabled, maxGiB == nil {
            throw ConfigError(key: "grow.maxGiB", "is required with grow.enabled: how large may lfmaint make a volume?")
        }
        guard cooldownSeconds.isFinite, (0...30 * 86_400).contains(cooldownSeconds) else {
            throw ConfigError(key: "grow.cooldownSeconds", "must be a number from 0 to \(30 * 86_400) s, got \(cooldownSeconds)")
        }
        try ConfigValidation.seconds(resizeTimeoutSeconds, key: "grow.resizeTimeoutSeconds", atMost: 86_400)
        try ConfigValidation.seconds(resizePollSeconds, key: "grow.resizePollSeconds", atMost: 60)
    }
}

/// Growth switched on, with its ceiling in bytes. Only `GrowSettings.policy` makes one.
public struct GrowPolicy: Sendable, Equatable {
    /// 1 PiB: no PVC is larger.
    static let largestGiB = 1 << 20
    let settings: GrowSettings
    let maxBytes: Int64

    fileprivate init(settings: GrowSettings, maxBytes: Int64) {
        self.settings = settings
        self.maxBytes = maxBytes
    }
}
