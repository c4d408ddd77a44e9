import Foundation
@testable import LFMaint
import Testing

@Suite("Agent settings")
struct AgentSettingsTests {
    @Test func everyKeyIsRead() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-webhook-\(UUID().uuidString)")
        try "https://hooks.example/T0/B0/secret\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try ConfigurationLoader.load(yaml: """
            agent:
              listen: 127.0.0.1:9000
              intervalSeconds: 30
              ttlIntervalSeconds: 600
              consecutiveSamples: 3
              cooldownSeconds: 60
              autoApplyTTL: true
              forecastWindowSeconds: 7200
              forecastWarnDays: 2
              webhook: {urlFile: \(file.path)}
            cleanup: {statementTimeoutSeconds: 60, waitMutations: true, allowLargeDrops: true}
            """)
        let agent = config.agent
        #expect(agent.listen == "127.0.0.1:9000" && agent.intervalSeconds == 30 && agent.ttlIntervalSeconds == 600)
        #expect(agent.consecutiveSamples == 3 && agent.cooldownSeconds == 60 && agent.autoApplyTTL)
        #expect(agent.forecastWindowSeconds == 7200 && agent.forecastWarnDays == 2)
        #expect(agent.webhookURL?.reveal() == "https://hooks.example/T0/B0/secret")
        #expect(config.cleanup.statementTimeoutSeconds == 60 && config.cleanup.waitMutations && config.cleanup.allowLargeDrops)
    }

    @Test(arguments: [
        ("agent: {listen: 9464}", "agent.listen"),
        ("agent: {listen: '0.0.0.0:70000'}", "agent.listen"),
        ("agent: {intervalSeconds: 0}", "agent.intervalSeconds"),
        ("agent: {consecutiveSamples: 0}", "agent.consecutiveSamples"),
        ("agent: {cooldownSeconds: -1}", "agent.cooldownSeconds"),
        ("agent: {webhook: {url: 'ftp://x'}}", "agent.webhook.url"),
        ("agent: {interval: 5}", "agent.interval"),
    ])
    func badValuesNameTheirKey(yaml: String, key: String) {
        #expect {
            _ = try ConfigurationLoader.load(yaml: yaml)
        } throws: { error in
            String(describing: error).hasPrefix("config error: \(key):")
        }
    }

    @Test func listenAddressesParse() throws {
        let any = try #require(ListenAddress("0.0.0.0:9464"))
        #expect(any.host == "0.0.0.0" && any.port == 9464)
        #expect(ListenAddress("[::]:9464")?.host == "::")
        #expect(ListenAddress(":9464") == nil)
        #expect(ListenAddress("localhost") == nil)
    }
}
