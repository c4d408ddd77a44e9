/// The `cleanup` section; `CleanupOverrides` are `lfmaint cleanup`'s one-off flags over it.
public struct CleanupSettings: Sendable, Equatable {
    public var thresholdPercent = 90
    /// Defaults to ten points under the threshold.
    public var targetPercent: Int?
    public var floorDays = 7
    public var maxDropGB: Double?
    public var statementTimeoutSeconds = 1800.0
    public var waitMutations = false
    public var allowLargeDrops = false

    var effectiveTargetPercent: Int { targetPercent ?? max(thresholdPercent - 10, 1) }

    /// A volume's own `threshold` wins over `cleanup.threshold`.
    public func thresholdPercent(for volume: VolumeSettings) -> Int { volume.thresholdPercent ?? thresholdPercent }

    /// The target, kept under the volume's own threshold.
    public func targetPercent(for volume: VolumeSettings) -> Int { max(1, min(effectiveTargetPercent, thresholdPercent(for: volume) - 1)) }

    static func read(_ section: inout YAMLSection) throws -> CleanupSettings {
        var settings = CleanupSettings()
        if let value = try section.int("threshold") { settings.thresholdPercent = value }
        if let value = try section.int("target") { settings.targetPercent = value }
        if let value = try section.int("floorDays") { settings.floorDays = value }
        if let value = try section.double("maxDropGB") { settings.maxDropGB = value }
        if let value = try section.double("statementTimeoutSeconds") { settings.statementTimeoutSeconds = value }
        if let value = try section.bool("waitMutations") { settings.waitMutations = value }
        if let value = try section.bool("allowLargeDrops") { settings.allowLargeDrops = value }
        try section.finish()
        return settings
    }

    func validate() throws {
        try ConfigValidation.percent(thresholdPercent, key: "cleanup.threshold")
        if let targetPercent { try ConfigValidation.percent(targetPercent, key: "cleanup.target") }
        try ConfigValidation.targetBelowThreshold(self)
        try ConfigValidation.days(floorDays, key: "cleanup.floorDays")
        if let maxDropGB {
            try ConfigValidation.positive(maxDropGB, key: "cleanup.maxDropGB (--max-drop-gb)", atMost: ConfigValidation.maximumDropGB, unit: "GB")
        }
        try ConfigValidation.seconds(statementTimeoutSeconds, key: "cleanup.statementTimeoutSeconds (--statement-timeout)",
                                     atMost: ConfigValidation.maximumStatementSeconds)
    }
}
