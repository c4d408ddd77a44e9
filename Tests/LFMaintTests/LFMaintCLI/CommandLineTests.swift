import Foundation
import Testing

/// The built `lfmaint` binary, run as an operator would.
@Suite("lfmaint command line")
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["LFMAINT_BIN"] { return URL(fileURLWithPath: path) }
        return Repository.file(".build/debug/lfmaint")
    }()

    /// Runs another program and returns its stdout.
    func runTool(_ path: String, _ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self) + (process.terminationStatus == 0 ? "" : "\nexit \(process.terminationStatus)")
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        // Into files, not pipes: a pipe read only after the other one ends fills up and stalls the run.
        let folder = FileManager.default.temporaryDirectory
        let out = folder.appendingPathComponent("lfmaint-run-\(UUID().uuidString).out"), err = folder.appendingPathComponent("lfmaint-run-\(UUID().uuidString).err")
        for file in [out, err] { FileManager.default.createFile(atPath: file.path, contents: nil) }
        defer { for file in [out, err] { try? FileManager.default.removeItem(at: file) } }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    }

    @Test func helpListsEveryCommand() throws {
        let result = try run(["--help"])
        #expect(result.status == 0)
        for command in ["sample", "explain", "ttl", "cleanup", "agent", "version"] {
            #expect(result.stdout.contains("  \(command) "), "missing \(command)")
        }
    }

    @Test func aBadConfigIsOneLineAndExit2() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-bad-\(UUID().uuidString).yaml")
        try "cleanup:\n  threshold: 150\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run(["ttl", "plan", "--config", file.path])
        #expect(result.status == 2)
        #expect(result.stderr == "config error: cleanup.threshold: must be a percentage from 1 to 99, got 150\n")
    }

    @Test func theConfigPathCanComeFromTheEnvironment() throws {
        let result = try run(["sample"], environment: ["LFMAINT_CONFIG": "/nonexistent/lfmaint.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("config error: /nonexistent/lfmaint.yaml: cannot read the config file"))
    }

    @Test func aBadFlagExits2() throws {
        let result = try run(["cleanup", "--threshold", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--threshold must be a percentage from 1 to 99, got 0"))
    }

    @Test func aFloorAboveTheRetentionIsRefusedInTheConfigButNotAsAOneOffFlag() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-floor-\(UUID().uuidString).yaml")
        try "retention: {appDays: 5}\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let refused = try run(["cleanup", "--dry-run", "--config", file.path])
        #expect(refused.status == 2 && refused.stderr.hasPrefix("config error: retention.appDays: keeps 5 days, under cleanup.floorDays (7)"))
        // Only more careful than the TTL: accepted; it then fails on the closed port, not on its input.
        let careful = try run(["cleanup", "--dry-run", "--floor-days", "40"], environment: ["CLICKHOUSE_URL": "http://127.0.0.1:\(TestStack.closedPort())"])
        #expect(careful.status == 1 && !careful.stderr.contains("config error"), "\(careful.stderr)")
    }

    /// Days past 2106 would wrap ClickHouse's DateTime (a TTL expiring every row) or overflow a cutoff.
    @Test(arguments: [["cleanup", "--dry-run", "--floor-days", "200000000000000"], ["cleanup", "--floor-days", "20000"]])
    func retentionPastTheTypesRangeIsRefusedBeforeAnythingRuns(arguments: [String]) throws {
        let result = try run(arguments, environment: ["CLICKHOUSE_URL": "http://127.0.0.1:\(TestStack.closedPort())"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("lfmaint: --floor-days must be 1 to 18250 days"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func versionPrintsJSONWhenAsked() throws {
        let result = try run(["version", "--output", "json"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String]
        #expect(object?["version"]?.isEmpty == false)
    }

    @Test(arguments: [["--config", "/nonexistent/lfmaint.yaml", "ttl", "plan"], ["ttl", "--config=/nonexistent/lfmaint.yaml", "plan"],
                      ["ttl", "plan", "--config", "/nonexistent/lfmaint.yaml"], ["--log-level", "debug", "--config", "/nonexistent/lfmaint.yaml", "cleanup"]])
    func globalOptionsWorkBeforeAndAfterTheSubcommand(arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/lfmaint.yaml: cannot read the config file"), "\(result.stderr)")
        #expect(!result.stderr.contains("Unknown option"))
    }
}
