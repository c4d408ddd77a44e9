import Foundation
@testable import LFMaint
import Testing

/// Inputs that used to get an unclear answer ("Missing value", "NSCocoaErrorDomain error 256", a
/// silent default): each now gets one line saying what is wrong, and exit 2.
@Suite("Clear errors for odd input")
struct ClearErrorTests {
    static let directory = FileManager.default.temporaryDirectory.path

    static func config(_ text: String) -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-clear-\(UUID().uuidString).yaml")
        try? text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test(arguments: [
        (["cleanup", "--threshold", "-5"], [:], "--threshold must be a percentage from 1 to 99, got -5"),
        (["cleanup", "--statement-timeout", "inf"], [:], "at most 86400 (a day), got inf"),
        (["sample", "--config", config("clickhouse: {passwordFile: \(directory)}")], [:], "(it is a directory, not a file)"),
        (["sample", "--config", config("clickhouse: {passwordFile: /dev/zero}")], [:], "/dev/zero (it is not a regular file)"),
        (["sample"], ["LFMAINT_CONFIG": directory], "cannot read the config file (it is a directory, not a file)"),
        (["sample"], ["CLICKHOUSE_URL": "http://u:pw-in-url@h:8123"], "holds credentials (http://u:***@h:8123)"),
        (["sample"], ["CLICKHOUSE_URL": "http://h:99999"], "names port \"99999\", not one from 1 to 65535"),
    ] as [([String], [String: String], String)])
    func oddInputGetsOneClearLine(arguments: [String], environment: [String: String], expected: String) throws {
        let run = try CommandLineTests().run(arguments, environment: environment)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(expected), "\(run.stderr)")
        #expect(!run.stderr.contains("pw-in-url"))
    }

    /// `lfmaint sample | head -1`: the reader is gone before the report is written.
    @Test func aClosedStandardOutputLosesTheReportNotTheProcess() throws {
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["sample", "--output", "json"]
        process.environment = ["PATH": "/usr/bin:/bin", "CLICKHOUSE_URL": "http://127.0.0.1:\(TestStack.closedPort())"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try output.fileHandleForReading.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit || process.terminationStatus == SIGPIPE, "ended by signal \(process.terminationStatus)")
        #expect(![132, 133, 134].contains(process.terminationStatus))
    }

    @Test func aCleanupOfAVolumeWithoutACapacitySaysSoInsteadOfEmptyParentheses() {
        let volume = VolumeSettings(name: "ch", component: .clickhouse, source: .redis)
        let sample = VolumeSample(volume: volume, usedBytes: 10, totalBytes: nil, availableBytes: nil)
        #expect(CleanupWorkflow.whyUnknown([sample]) == "ch reported no capacity; a ClickHouse volume needs source clickhouse, kubelet or statfs")
        #expect(CleanupWorkflow.whyUnknown([.unknown(volume, "Redis said no")]) == "Redis said no")
    }
}
