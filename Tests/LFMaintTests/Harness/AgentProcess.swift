import Foundation
@testable import LFMaint
@testable import LFMaintEdges

/// `lfmaint agent` as a child process on a port of its own, its stderr in a file (a pipe could fill
/// up and stall it). Killed when dropped.
final class AgentProcess: @unchecked Sendable {
    let process = Process()
    let port = TestStack.closedPort()
    let stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-agent-\(UUID().uuidString).log")
    let configFile = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-agent-\(UUID().uuidString).yaml")
    private let http = HTTPClient()

    init(config: String, environment: [String: String], arguments: [String] = []) throws {
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = CommandLineTests.binary
        process.arguments = ["agent", "--config", configFile.path, "--listen", "127.0.0.1:\(port)", "--log-format", "json"] + arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: stderrFile)
        try? FileManager.default.removeItem(at: configFile)
    }

    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    func get(_ path: String) -> (status: Int, body: String)? {
        guard let response = try? http.perform(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeoutSeconds: 5) else { return nil }
        return (response.status, response.bodyText)
    }

    /// Polls until `condition` holds (true) or `seconds` pass (false).
    func wait(upTo seconds: Double, for condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return condition()
    }

    /// Sends SIGTERM; returns the exit status and the seconds it took, or nil if it outlived `limit`.
    func terminate(limit: Double) -> (status: Int32, seconds: Double)? {
        let start = Date()
        kill(process.processIdentifier, SIGTERM)
        guard wait(upTo: limit, for: { !process.isRunning }) else { return nil }
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    /// The sum of a metric's series whose labels contain every given `name="value"`.
    static func sum(_ exposition: String, _ metric: String, _ labels: [String] = []) -> Double? {
        let values = exposition.split(separator: "\n").filter { line in
            line.hasPrefix(metric + "{") && labels.allSatisfy { line.contains($0) }
        }.compactMap { Double($0.split(separator: " ").last ?? "") }
        return values.isEmpty ? nil : values.reduce(0, +)
    }
}
