import Foundation
import LFMaint
import Synchronization
import Testing

/// The end-to-end case: Langfuse's tables with 120 days of rows fill a small real filesystem past
/// 92%, and `lfmaint cleanup --threshold 90` brings it under the target without ever raising usage
/// and without touching a row newer than the floor.
@Suite("Cleanup on a nearly full filesystem", .serialized,
       .enabled(if: TestStack.isUp && SmallVolume.canMount, "needs scripts/stack.sh up and root (to mount a tmpfs)"))
struct CleanupFullDiskTests {
    @Test func cleanupEndsUnderTargetNeverRaisesUsageAndKeepsEveryNewerRow() async throws {
        let volume = try SmallVolume(megabytes: 256)
        var settings = ClickHouseSettings()
        settings.url = volume.url
        settings.clusterEnabled = false
        let client = ClickHouseClient(settings: settings)
        let fixture = LangfuseFixture(database: "default", client: client, config: try ConfigurationLoader.load(yaml: "", environment: [
            "CLICKHOUSE_URL": volume.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"]))
        for statement in try fixture.statements("langfuse-schema.sql", rows: 0) { try await client.execute(statement) }
        // The engine's own logs, as on a real server: they hold the megabyte a full disk lacks.
        try await Task.sleep(for: .seconds(1))
        try await client.execute("SYSTEM FLUSH LOGS")
        // Incompressible payloads over 120 days, a batch at a time, until the filesystem is 92% full.
        var batches = 0
        // Background merges stay off, during the fill and the cleanup: they would raise usage on their
        // own, and the test measures what lfmaint does to the filesystem.
        try await client.execute("SYSTEM STOP MERGES")
        while volume.usagePercent < 92, batches < 1000 {
            for (table, column, extra) in [("traces", "timestamp", "name, project_id, event_ts, is_deleted"),
                                           ("observations", "start_time", "trace_id, project_id, type, name, event_ts, is_deleted")] {
                let values = extra == "name, project_id, event_ts, is_deleted" ? "'t', 'p', now64(3), 0" : "'x', 'p', 'GENERATION', 'o', now64(3), 0"
                try await client.execute("""
                    INSERT INTO default.\(table) (id, \(column), input, \(extra))
                    SELECT toString(rand64()), now64(3) - toIntervalSecond(rand() % (120 * 86400)), randomPrintableASCII(400), \(values)
                    FROM numbers(2000)
                    """)
            }
            batches += 1
        }
        // What the engine logged about the fill is written now, not during the cleanup.
        try await client.execute("SYSTEM FLUSH LOGS")
        let start = volume.usagePercent
        #expect(start >= 92, "filled to \(start)%")

        let tables = [("traces", "timestamp"), ("observations", "start_time")]
        // A fixed bound an hour inside the floor, so the window does not slide while the test runs.
        let bound = try await client.readText("SELECT toUnixTimestamp(now() - INTERVAL 7 DAY + INTERVAL 1 HOUR)")
        func newerPerDay() async throws -> [String] {
            var result: [String] = []
            for (table, column) in tables {
                result.append(try await client.readText("""
                    SELECT groupArray((d, c)) FROM (SELECT toDate(\(column)) AS d, count() AS c FROM default.\(table)
                    WHERE \(column) >= toDateTime(\(bound)) GROUP BY d ORDER BY d)
                    """))
            }
            return result
        }
        let before = try await newerPerDay()

        // Watch the filesystem every 100 ms while cleanup runs.
        let peak = Mutex(start)
        let trace = Mutex<[Double]>([])
        let watching = Atomic(true)
        let watcher = Thread {
            while watching.load(ordering: .relaxed) {
                let now = volume.usagePercent
                peak.withLock { $0 = max($0, now) }
                trace.withLock { $0.append(now) }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        watcher.start()
        let result = try CommandLineTests().run(["cleanup", "--threshold", "90", "--floor-days", "7", "--output", "json"], environment: [
            "CLICKHOUSE_URL": volume.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"])
        watching.store(false, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(200))

        #expect(result.status == 0, "\(result.stdout)\(result.stderr.suffix(3000))")
        // lfmaint's last sample is under the target; the engine's own background writes (its logs,
        // merges) go on afterwards, so the filesystem is checked against the threshold.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((report["after"] as? Double ?? 100) < 80, "\(result.stdout)")
        #expect(volume.usagePercent < 90, "ended at \(volume.usagePercent)%")
        // Each partition holds ~130 unmerged parts: DROP PARTITION would first write an empty part per
        // part (+4 MiB here); lfmaint drops them one at a time, so at most one empty part (32 KiB) is extra.
        let peakSeen = peak.withLock { $0 }
        let samples = trace.withLock { $0 }.map { String(format: "%.2f", $0) }
        #expect(peakSeen <= start + 0.05, "usage peaked at \(peakSeen)% from \(start)%: \(samples)")
        #expect(try await newerPerDay() == before)
    }
}
