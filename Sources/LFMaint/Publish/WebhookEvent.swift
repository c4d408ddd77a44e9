/// What a webhook notification is about: its `event` key.
public enum WebhookEvent: String, Sendable, CaseIterable {
    case cleanupStarted = "cleanup-started"
    case cleanupFinished = "cleanup-finished"
    case cleanupFailed = "cleanup-failed"
    /// The forecast says the volume fills within `agent.forecastWarnDays`.
    case forecast
    /// A volume lfmaint cannot clean up (Postgres, Redis, MinIO) crossed its threshold.
    case threshold
    case resizeRequested = "resize-requested"
    case resizeFinished = "resize-finished"
    case resizeFailed = "resize-failed"
    case resizeRefused = "resize-refused"
}
