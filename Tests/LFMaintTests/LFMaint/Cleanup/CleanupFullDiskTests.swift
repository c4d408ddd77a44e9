import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Synchronization
import Testing

/// The end-to-end case: Langfuse's tables (v4, most bytes in events_full; and a v3 database) with 120
/// days of rows fill a small real filesystem past 92%, and `lfmaint cleanup --threshold 90` brings it
/// under the target without ever raising usage, without touching a row (or a version of one) newer than
/// the floor, and without touching the dataset runs.
@Suite("Cleanup on a nearly full filesystem", .serialized,
       .enabled(if: TestStack.isUp && SmallVolume.canMount, "needs testing/stack.sh up and root (to mount a tmpfs)"))
struct CleanupFullDiskTests {
    @Test(arguments: LangfuseFixture.Version.allCases)
    func cleanupEndsUnderTargetNeverRaisesUsageAndKeepsEveryNewerRow(version: LangfuseFixture.Version) async throws {
        let volume = try SmallVolume(megabytes: 256)
        // Every table with a few rows of every kind (versions, deletes, dataset runs), then the bulk.
        let fixture = try await LangfuseFixture.onEngine(url: volume.url, rows: 300, version: version)
        let client = fixture.client
        let datasetTables = ["dataset_run_items_rmt"] + (version == .v3 ? ["dataset_run_items"] : [])
        // The engine's own logs, as on a real server: they hold the megabyte a full disk lacks.
        try await Task.sleep(for: .seconds(1))
        try await client.execute("SYSTEM FLUSH LOGS")
        // Incompressible payloads over 120 days, a batch at a time, until the filesystem is 92% full.
        var batches = 0
        // Background merges stay off, during the fill and the cleanup: they would raise usage on their
        // own, and the test measures what lfmaint does to the filesystem.
        try await client.execute("SYSTEM STOP MERGES")
        while volume.usagePercent < 92, batches < 1000 {
            for statement in Self.fill(version) { try await client.execute(statement) }
            batches += 1
        }
        // What the engine logged about the fill is written now, not during the cleanup.
        try await client.execute("SYSTEM FLUSH LOGS")
        let start = volume.usagePercent
        #expect(start >= 92, "filled to \(start)%")

        // A fixed bound an hour inside the floor, so the window does not slide while the test runs.
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let before = try await fixture.rowsPerDay(since: bound)
        var datasetRuns: [String] = []
        for table in datasetTables { datasetRuns.append(try await fixture.fingerprint(of: table)) }

        // Watch the filesystem every 5 ms while cleanup runs (the run itself takes a few hundred).
        let peak = Mutex(start)
        let trace = Mutex<[Double]>([])
        let watching = Atomic(true)
        let watcher = Thread {
            while watching.load(ordering: .relaxed) {
                let now = volume.usagePercent
                peak.withLock { $0 = max($0, now) }
                trace.withLock { $0.append(now) }
                Thread.sleep(forTimeInterval: 0.005)
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
        // Each partition holds ~130 unmerged parts: DROP PARTITION writes an empty part per part first
        // (+4 MiB here); lfmaint drops by part until the run has freed room for them.
        let peakSeen = peak.withLock { $0 }
        let samples = trace.withLock { $0 }.map { String(format: "%.2f", $0) }
        #expect(samples.count >= 20, "only \(samples.count) samples: the watch saw too little of the run")
        #expect(peakSeen <= start + 0.05, "usage peaked at \(peakSeen)% from \(start)%: \(samples)")
        #expect(try await fixture.rowsPerDay(since: bound) == before)
        var datasetRunsAfter: [String] = []
        for table in datasetTables { datasetRunsAfter.append(try await fixture.fingerprint(of: table)) }
        #expect(datasetRunsAfter == datasetRuns)
        // On v4 the space comes mostly from whole partitions of the events tables.
        if version == .v4 {
            let done = (report["steps"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "done" }
            let freed = done.compactMap { $0["freedBytes"] as? Double }.reduce(0, +)
            let fromEvents = done.filter {
                ($0["table"] as? String)?.hasPrefix("default.events_") == true && $0["action"] as? String == "drop partition"
            }.compactMap { $0["freedBytes"] as? Double }.reduce(0, +)
            #expect(freed > 0 && fromEvents > freed / 2, "events_* partitions freed \(fromEvents) of \(freed) bytes: \(result.stdout)")
        }
        // What ran is what is reported. The run's first partition goes by part (nothing freed yet to hold
        // the empty parts DROP PARTITION writes); a later one whole only once the run has freed room.
        let steps = try #require(report["steps"] as? [[String: Any]])
        let drops = steps.filter { $0["action"] as? String == "drop partition" && $0["status"] as? String == "done" }
        let first = try #require(drops.first?["statement"] as? String)
        #expect(first.contains(" DROP PART '") && !first.contains("DROP PARTITION"), "\(first)")
        #expect(drops.allSatisfy {
            let statement = $0["statement"] as? String ?? ""
            let whole = statement.contains(" DROP PARTITION ID '")
            return whole != statement.contains(" DROP PART '") && whole == ($0["reason"] as? String ?? "").contains("; whole:")
        })
    }

    /// One batch of incompressible rows over the last 120 days, as each version of Langfuse writes them:
    /// v4 spans into events_full (and through the view into events_core) beside a few traces; v3 traces
    /// and observations.
    static func fill(_ version: LangfuseFixture.Version) -> [String] {
        let traces = """
            INSERT INTO default.traces (id, timestamp, input, name, project_id, event_ts, is_deleted)
            SELECT toString(rand64()), now64(3) - toIntervalSecond(rand() % (120 * 86400)), randomPrintableASCII(400), 't', 'p', now64(3), 0
            FROM numbers(\(version == .v4 ? 200 : 2000))
            """
        switch version {
        case .v3:
            return [traces, """
                INSERT INTO default.observations (id, start_time, input, trace_id, project_id, type, name, event_ts, is_deleted)
                SELECT toString(rand64()), now64(3) - toIntervalSecond(rand() % (120 * 86400)), randomPrintableASCII(400), 'x', 'p',
                       'GENERATION', 'o', now64(3), 0
                FROM numbers(2000)
                """]
        case .v4:
            return [traces, """
                INSERT INTO default.events_full (project_id, trace_id, span_id, start_time, name, type, input, output, event_ts, is_deleted)
                SELECT 'p', toString(rand64() % 100000), toString(rand64()), now64(6) - toIntervalMicrosecond(rand64() % (120 * 86400000000)),
                       'llm-call', 'GENERATION', hex(randomString(256)), hex(randomString(256)), now64(6), 0
                FROM numbers(1000)
                """]
        }
    }
}
