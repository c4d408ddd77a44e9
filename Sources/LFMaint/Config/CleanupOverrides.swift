/// `lfmaint cleanup`'s one-off flags over the `cleanup` section. Each flag is checked here, where it
/// enters, against the bounds the section's own keys have (the constants in `ConfigValidation`), and named
/// in the message as the flag it is; the rule between threshold and target is the section's, in its words.
public struct CleanupOverrides: Sendable {
    var threshold: Int?
    var target: Int?
    var floorDays: Int?
    var maxDropGB: Double?
    var statementTimeout: Double?
    var waitMutations = false
    var allowLargeDrops = false

    public init(threshold: Int?, target: Int?, floorDays: Int?, maxDropGB: Double?, statementTimeout: Double?, waitMutations: Bool,
                allowLargeDrops: Bool) {
        self.threshold = threshold
        self.target = target
        self.floorDays = floorDays
        self.maxDropGB = maxDropGB
        self.statementTimeout = statementTimeout
        self.waitMutations = waitMutations
        self.allowLargeDrops = allowLargeDrops
    }

    /// What is wrong with a flag, in the words of the flag; nil when nothing is.
    public func problem() -> String? {
        let percents = ConfigValidation.percentRange
        if let threshold, !percents.contains(threshold) { return "--threshold must be a percentage from 1 to 99, got \(threshold)" }
        if let target, !percents.contains(target) { return "--target must be a percentage from 1 to 99, got \(target)" }
        if let floorDays, !(1...RetentionRule.maximumDays).contains(floorDays) {
            return "--floor-days must be 1 to \(RetentionRule.maximumDays) days, got \(floorDays)"
        }
        let longest = ConfigValidation.maximumStatementSeconds
        if let statementTimeout, !(statementTimeout.isFinite && statementTimeout > 0 && statementTimeout <= longest) {
            return "--statement-timeout must be a number of seconds greater than 0 and at most \(Int(longest)) (a day), got \(statementTimeout)"
        }
        let most = ConfigValidation.maximumDropGB
        if let maxDropGB, !(maxDropGB.isFinite && maxDropGB > 0 && maxDropGB <= most) {
            return "--max-drop-gb must be a number greater than 0 and at most \(Int(most)) (a petabyte), got \(maxDropGB)"
        }
        return nil
    }

    /// The configuration with the flags applied. `--threshold` wins over every volume's own threshold too,
    /// and drops a configured target it would sit under. Throws `ConfigError` when the target is not below
    /// the threshold.
    public func applied(to loaded: Configuration) throws -> Configuration {
        var config = loaded
        if let threshold {
            config.cleanup.thresholdPercent = threshold
            for index in config.volumes.indices { config.volumes[index].thresholdPercent = nil }
        }
        if let target { config.cleanup.targetPercent = target }
        if let floorDays { config.cleanup.floorDays = floorDays }
        if let maxDropGB { config.cleanup.maxDropGB = maxDropGB }
        if threshold != nil, target == nil, let configured = config.cleanup.targetPercent, configured >= config.cleanup.thresholdPercent {
            config.cleanup.targetPercent = nil
        }
        if waitMutations { config.cleanup.waitMutations = true }
        if allowLargeDrops { config.cleanup.allowLargeDrops = true }
        if let statementTimeout { config.cleanup.statementTimeoutSeconds = statementTimeout }
        try ConfigValidation.targetBelowThreshold(config.cleanup)
        return config
    }
}
