import Foundation
import LFMaintSupport

/// The `agent` section: the long-running agent's loops, endpoints and notifications.
public struct AgentSettings: Sendable, Equatable {
    public var listen = "0.0.0.0:9464"
    /// Sampler loop: sample, publish, feed the cleanup triggers.
    public var intervalSeconds = 60.0
    /// Retention loop: TTL plan (and apply, with `autoApplyTTL`).
    public var ttlIntervalSeconds = 3600.0
    /// Samples in a row at or above the threshold before a cleanup runs.
    public var consecutiveSamples = 2
    /// Least time between two cleanups of one volume.
    public var cooldownSeconds = 900.0
    public var autoApplyTTL = false
    /// Retention loop: put the event bucket's expiry rule when it is missing or differs (`s3 apply`).
    public var autoApplyLifecycle = false
    /// The samples the time-to-full slope is fitted over.
    public var forecastWindowSeconds = 3600.0
    /// Warn when a volume is forecast to fill sooner than this.
    public var forecastWarnDays = 4.0
    /// Slack-compatible JSON webhook; its URL usually holds a token.
    public var webhookURL: Secret?

    init() {}

    static func read(_ section: inout YAMLSection) throws -> AgentSettings {
        var settings = AgentSettings()
        if let value = try section.string("listen") { settings.listen = value }
        if let value = try section.double("intervalSeconds") { settings.intervalSeconds = value }
        if let value = try section.double("ttlIntervalSeconds") { settings.ttlIntervalSeconds = value }
        if let value = try section.int("consecutiveSamples") { settings.consecutiveSamples = value }
        if let value = try section.double("cooldownSeconds") { settings.cooldownSeconds = value }
        if let value = try section.bool("autoApplyTTL") { settings.autoApplyTTL = value }
        if let value = try section.bool("autoApplyLifecycle") { settings.autoApplyLifecycle = value }
        if let value = try section.double("forecastWindowSeconds") { settings.forecastWindowSeconds = value }
        if let value = try section.double("forecastWarnDays") { settings.forecastWarnDays = value }
        if var webhook = try section.section("webhook") {
            if let url = try webhook.string("url") { settings.webhookURL = Secret(url) }
            if let file = try webhook.string("urlFile") {
                settings.webhookURL = try ConfigurationLoader.readSecretFile(file, key: webhook.keyPath("urlFile"))
            }
            try webhook.finish()
        }
        try section.finish()
        return settings
    }

    func validate() throws {
        guard ListenAddress(listen) != nil else {
            throw ConfigError(key: "agent.listen", "expected host:port with a port from 1 to 65535, got \"\(listen)\"")
        }
        let month = 30 * 86_400.0
        for (key, value, limit) in [("intervalSeconds", intervalSeconds, 86_400), ("ttlIntervalSeconds", ttlIntervalSeconds, month),
                                    ("forecastWindowSeconds", forecastWindowSeconds, month)] {
            try ConfigValidation.seconds(value, key: "agent.\(key)", atMost: limit)
        }
        try ConfigValidation.positive(forecastWarnDays, key: "agent.forecastWarnDays", atMost: 3650, unit: "days")
        guard cooldownSeconds.isFinite, (0...month).contains(cooldownSeconds) else {
            throw ConfigError(key: "agent.cooldownSeconds", "must be a number from 0 to \(Int(month)) s, got \(cooldownSeconds)")
        }
        guard (1...100).contains(consecutiveSamples) else {
            throw ConfigError(key: "agent.consecutiveSamples", "must be 1–100, got \(consecutiveSamples)")
        }
        if let url = webhookURL {
            let components = URLComponents(string: url.reveal())
            guard let scheme = components?.scheme, ["http", "https"].contains(scheme), components?.host != nil else {
                throw ConfigError(key: "agent.webhook.url", "expected an http(s) URL")
            }
        }
    }
}

/// `host:port` for the agent's HTTP endpoints; `[::1]:9464` for IPv6.
public struct ListenAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}
