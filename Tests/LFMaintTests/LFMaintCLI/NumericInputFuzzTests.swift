import Foundation
import Testing

/// Random huge, negative, NaN and infinite numbers in every numeric config key, flag and environment
/// variable: each is refused with one line and exit 2, never a trap (exit 132/133) or a hang.
@Suite("Numeric input fuzz")
struct NumericInputFuzzTests {
    static let configKeys = [
        "clickhouse: {timeoutSeconds: %}", "kubelet: {timeoutSeconds: %}", "kubelet: {kubeletPort: %}", "kubelet: {concurrency: %}",
        "agent: {intervalSeconds: %}", "agent: {ttlIntervalSeconds: %}", "agent: {consecutiveSamples: %}", "agent: {cooldownSeconds: %}",
        "agent: {forecastWindowSeconds: %}", "agent: {forecastWarnDays: %}", "retention: {appDays: %}", "retention: {systemLogDays: %}",
        "retention: {tables: [{table: traces, days: %}]}", "cleanup: {threshold: %}", "cleanup: {target: %}", "cleanup: {floorDays: %}",
        "cleanup: {maxDropGB: %}", "cleanup: {statementTimeoutSeconds: %}",
        "volumes: [{name: v, component: clickhouse, source: statfs, path: /tmp, threshold: %}]",
    ]
    static let flags = ["--threshold", "--target", "--floor-days", "--max-drop-gb", "--statement-timeout"]
    static let environment = ["REDIS_PORT": "%", "REDIS_CONNECTION_STRING": "redis://127.0.0.1:%", "CLICKHOUSE_URL": "http://127.0.0.1:%",
                              "DATABASE_URL": "postgresql://u@127.0.0.1:%/db"]

    /// A number no setting accepts: beyond every range, below zero, or not a number at all.
    static func hostileNumber(_ random: inout SplitMix) -> String {
        switch Int.random(in: 0..<9, using: &random) {
        case 0: return "1e\(Int.random(in: 19...308, using: &random))"
        case 1: return "-\(Int.random(in: 1...Int.max, using: &random))"
        case 2: return ["nan", ".nan", "NaN"].randomElement(using: &random)!
        case 3: return ["inf", ".inf", "-.inf", "-inf", "infinity"].randomElement(using: &random)!
        case 4: return String(Int64.max)
        case 5: return "\(UInt64.max)\(Int.random(in: 0...999, using: &random))"
        case 6: return "-1e\(Int.random(in: 1...308, using: &random))"
        case 7: return "\(Int.random(in: 1_000_000_000...Int.max, using: &random))"
        default: return "-0.\(Int.random(in: 1...999, using: &random))"
        }
    }

    static func isOneLineRefusal(_ run: CommandLineTests.Run) -> Bool {
        run.status == 2 && run.stderr.split(separator: "\n").count == 1 && run.stdout.isEmpty
    }

    @Test func everyNumericInputRefusesHostileNumbersWithOneLineAndExit2() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix(seed: seed)
        let cli = CommandLineTests()
        let closed = "http://127.0.0.1:\(TestStack.closedPort())"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-fuzz-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        for round in 0..<3 {
            for key in Self.configKeys {
                let value = Self.hostileNumber(&random)
                try key.replacingOccurrences(of: "%", with: value).write(to: file, atomically: true, encoding: .utf8)
                let run = try cli.run(["ttl", "plan", "--config", file.path], environment: ["CLICKHOUSE_URL": closed])
                #expect(Self.isOneLineRefusal(run), "seed \(seed) round \(round): \(key) = \(value): exit \(run.status), \(run.stderr)")
            }
            for flag in Self.flags {
                let value = Self.hostileNumber(&random)
                let run = try cli.run(["cleanup", "--dry-run", flag, value], environment: ["CLICKHOUSE_URL": closed])
                #expect(Self.isOneLineRefusal(run), "seed \(seed) round \(round): \(flag) \(value): exit \(run.status), \(run.stderr)")
            }
            for (name, template) in Self.environment {
                let value = Self.hostileNumber(&random).replacingOccurrences(of: ".", with: "")
                let environment = ["CLICKHOUSE_URL": closed].merging([name: template.replacingOccurrences(of: "%", with: value)]) { $1 }
                let run = try cli.run(["sample"], environment: environment)
                #expect(Self.isOneLineRefusal(run), "seed \(seed) round \(round): \(name)=\(environment[name]!): exit \(run.status), \(run.stderr)")
            }
        }
    }
}
