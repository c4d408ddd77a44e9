import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Synchronization
import Testing

/// Faults during a cleanup run: each leaves every row newer than the floor in place, ends with a
/// clear outcome, and the next run converges.
@Suite("Cleanup under faults", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct CleanupFaultTests {
    @Test func theEngineKilledMidRunLosesNothingAndTheNextRunConverges() async throws {
        let engine = try SmallVolume(megabytes: nil)
        let fixture = try await LangfuseFixture.onEngine(url: engine.url, rows: 20000)
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)

        // Kill the engine as soon as the first step is done.
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["cleanup", "--threshold", "2", "--target", "1", "--floor-days", "7"]
        process.environment = ["PATH": "/usr/bin:/bin", "CLICKHOUSE_URL": engine.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("\"event\":\"cleanup-step\"") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        engine.kill()
        seen += errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(String(decoding: seen, as: UTF8.self).suffix(2000))")
        #expect(String(decoding: seen, as: UTF8.self).contains("cannot connect to"))

        try engine.start()
        #expect(try await fixture.rowsPerDay(since: bound) == before)
        let floor = try await fixture.bound("INTERVAL 7 DAY")
        let again = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--floor-days", "7"],
                                               environment: ["CLICKHOUSE_URL": engine.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"])
        #expect(again.status == 3, "a clean run ends still above the 2% threshold: \(again.stdout)")
        #expect(!again.stdout.contains("failed"))
        try await fixture.settle()
        #expect(try await fixture.rows(before: floor) == 0)
        #expect(try await fixture.rowsPerDay(since: bound) == before)
    }

    @Test func aServerErrorOnADeleteFailsThatStepOnlyAndKeepsItsRows() async throws {
        let fixture = try await LangfuseFixture.make("fault500")
        defer { Task { await fixture.drop() } }
        // ClickHouse refuses a lightweight DELETE on a table with a projection: a real server error.
        try await fixture.client.execute("ALTER TABLE `\(fixture.database)`.scores MODIFY SETTING deduplicate_merge_projection_mode = 'drop'")
        try await fixture.client.execute("ALTER TABLE `\(fixture.database)`.scores ADD PROJECTION by_name (SELECT * ORDER BY name)")
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        let result = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--output", "json"], environment: fixture.environment)
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        let failed = steps.filter { $0["status"] as? String == "failed" }
        #expect(!failed.isEmpty && failed.allSatisfy { $0["table"] as? String == "\(fixture.database).scores" && $0["action"] as? String == "delete rows" },
                "\(failed)")
        #expect(steps.contains { $0["table"] as? String == "\(fixture.database).traces" && $0["action"] as? String == "delete rows" && $0["status"] as? String == "done" })
        #expect(try await fixture.rowsPerDay(since: bound) == before)
    }

    @Test func aTimedOutStatementSaysSoAndTheNextRunConverges() async throws {
        let fixture = try await LangfuseFixture.make("timeout")
        defer { Task { await fixture.drop() } }
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        let slow = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--statement-timeout", "0.001", "--output", "json"],
                                              environment: fixture.environment)
        #expect(slow.status == 1)
        #expect(slow.stdout.contains("the server may still be running it (query_id lfmaint-cleanup-"))
        // What timed out may still be running (or queued: the test engine runs one query at a time);
        // the next run comes once the engine is idle, as a CronJob's next run would.
        try await fixture.settle()
        let floor = try await fixture.bound("INTERVAL 7 DAY")
        let again = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--wait-mutations"], environment: fixture.environment)
        #expect(again.status == 3, "\(again.stdout)")
        try await fixture.settle()
        #expect(try await fixture.rows(before: floor) == 0,
                "\(again.stdout.split(separator: "\n").filter { $0.hasPrefix("failed") || $0.hasPrefix("skipped") }.joined(separator: "\n"))")
        #expect(try await fixture.rowsPerDay(since: bound) == before)
    }

    @Test(.enabled(if: SmallVolume.canMount, "needs root to mount a tmpfs"))
    func aDiskTooFullForAnyAlterFailsClearlyKeepsEveryRowAndTheNextRunConverges() async throws {
        let volume = try SmallVolume(megabytes: 64)
        let environment = ["CLICKHOUSE_URL": volume.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"]
        let fixture = try await LangfuseFixture.onEngine(url: volume.url, rows: 5000)
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)

        // Fill the filesystem to the last byte beside the engine's data: no ALTER can reserve its megabyte.
        let filler = volume.path.appendingPathComponent("filler")
        let handle = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: filler.path, contents: nil); return filler }())
        for size in [1 << 20, 4096] {
            let chunk = Data(count: size)
            while (try? handle.write(contentsOf: chunk)) != nil {}
        }
        #expect(volume.usagePercent > 99.9, "filled to \(volume.usagePercent)%")

        let full = try CommandLineTests().run(["cleanup", "--threshold", "90", "--output", "json"], environment: environment)
        #expect(full.status == 1, "\(full.stdout)\(full.stderr.suffix(2000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(full.stdout.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        let drops = steps.filter { $0["action"] as? String == "drop partition" }
        #expect(!drops.isEmpty && drops.allSatisfy { $0["status"] as? String == "failed" && ($0["reason"] as? String ?? "").contains("NOT_ENOUGH_SPACE") },
                "\(drops)")
        #expect(try await fixture.rowsPerDay(since: bound) == before)

        // Eight megabytes come free (the operator deleted something, or the volume grew): the next run converges.
        let filled = try handle.offset()
        try #require(filled > 8 << 20, "the filler holds only \(filled) bytes: the fixture left too little room")
        try handle.truncate(atOffset: filled - (8 << 20))
        try handle.close()
        let floor = try await fixture.bound("INTERVAL 7 DAY")
        let again = try CommandLineTests().run(["cleanup", "--threshold", "50", "--target", "1", "--floor-days", "7"], environment: environment)
        #expect(again.status == 3, "a clean run ends still above the 50% threshold (the filler stays): \(again.stdout)")
        #expect(!again.stdout.contains("failed"))
        try await fixture.settle()
        #expect(try await fixture.rows(before: floor) == 0)
        #expect(try await fixture.rowsPerDay(since: bound) == before)
    }
}
