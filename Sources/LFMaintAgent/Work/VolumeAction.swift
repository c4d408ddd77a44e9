/// What the agent did with a volume's samples: the `action` label of `lfmaint_volume_actions_total`.
enum VolumeAction: String, Sendable, CaseIterable {
    case cleanup
    /// Over the threshold and the trigger holds (cooldown, not re-armed), or the usage is unknown.
    case hold
    /// Over the threshold with no cleanup of its own (Postgres, Redis, MinIO): warned about.
    case warnThreshold = "warn_threshold"
    case warnForecast = "warn_forecast"
    case grow
    case growWait = "grow_wait"
    case growRefused = "grow_refused"
    case growDryRun = "grow_dry_run"
}
