import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// Cleanups started together against one ClickHouse, some with Postgres configured and some without:
/// whatever each was configured with, at most one runs statements at any moment.
@Suite("Cleanups started at once", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct CleanupConcurrencyTests {
    struct Started {
        let process: Process
        let output: URL
        let errors: URL
    }

    /// Starts `lfmaint` with its output in files (a pipe could fill and stall it while another is read).
    func start(_ arguments: [String], environment: [String: String]) throws -> Started {
        let folder = FileManager.default.temporaryDirectory
        let output = folder.appendingPathComponent("lfmaint-ten-\(UUID().uuidString).out")
        let errors = folder.appendingPathComponent("lfmaint-ten-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        return Started(process: process, output: output, errors: errors)
    }

    @Test func tenRunsWithMixedLockSettingsNeverRunStatementsAtTheSameTime() async throws {
        let fixture = try await LangfuseFixture.make("ten")
        defer { Task { await fixture.drop() } }
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        var started: [Started] = []
        for index in 0..<10 {
            var environment = fixture.environment
            if index % 2 == 0 { environment["DATABASE_URL"] = try TestStack.databaseURL }
            started.append(try start(["cleanup", "--threshold", "2", "--target", "1", "--floor-days", "7"], environment: environment))
        }
        // Each executed step's JSON line says when its first statement went out and its last came back.
        var spans: [(run: String, first: Date, last: Date)] = []
        var refused = 0
        let parse = ISO8601DateFormatter()
        parse.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for run in started {
            run.process.waitUntilExit()
            let errors = try String(contentsOf: run.errors, encoding: .utf8)
            try? FileManager.default.removeItem(at: run.output)
            try? FileManager.default.removeItem(at: run.errors)
            if errors.contains("another lfmaint cleanup is running") {
                #expect(run.process.terminationStatus == 1)
                refused += 1
                continue
            }
            #expect(run.process.terminationStatus == 3 || run.process.terminationStatus == 0, "\(errors.suffix(2000))")
            var times: [String: (first: Date, last: Date)] = [:]
            for line in errors.split(separator: "\n") where line.contains("\"event\":\"cleanup-step\"") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let id = try #require(object["run"] as? String)
                let first = try #require(parse.date(from: object["started"] as? String ?? ""), "\(line)")
                let last = try #require(parse.date(from: object["finished"] as? String ?? ""), "\(line)")
                times[id] = (min(first, times[id]?.first ?? first), max(last, times[id]?.last ?? last))
            }
            spans += times.map { (run: $0.key, first: $0.value.first, last: $0.value.last) }
        }
        #expect(refused >= 5, "most runs found the lock held (\(refused) of 10)")
        #expect(!spans.isEmpty, "one run at least ran its steps")
        spans.sort { $0.first < $1.first }
        for (earlier, later) in zip(spans, spans.dropFirst()) {
            #expect(earlier.last <= later.first, "run \(later.run) began a statement before run \(earlier.run) had finished its own")
        }
        try await fixture.settle()
        #expect(try await fixture.rowsPerDay(since: bound) == before)
    }

    /// A run killed mid-cleanup leaves its claim: the next run is refused, and told when the claim lapses.
    @Test func aDeadHoldersClaimRefusesTheNextRunAndSaysWhenItLapses() async throws {
        let fixture = try await LangfuseFixture.make("deadclaim", rows: 100)
        defer { Task { await fixture.drop() } }
        let table = "`\(fixture.database)`.\(CleanupLock.tableName)"
        try await fixture.client.execute("""
            CREATE TABLE IF NOT EXISTS \(table) (name String, holder String, acquired DateTime64(6), expires DateTime) ENGINE = Memory
            """)
        try await fixture.client.execute("""
            INSERT INTO \(table) SELECT '\(CleanupLock.clickHouseKey)', 'killed-run', now64(6) - 60, now() + 3600
            """)
        let lapses = try await fixture.scalar("SELECT formatDateTime(now() + 3600, '%FT%H', 'UTC')")
        let run = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1"], environment: fixture.environment)
        #expect(run.status == 1)
        #expect(run.stderr.contains("another lfmaint cleanup is running"), "\(run.stderr)")
        #expect(run.stderr.contains("a holder that died lets it go at \(lapses)"), "\(run.stderr)")
    }
}
