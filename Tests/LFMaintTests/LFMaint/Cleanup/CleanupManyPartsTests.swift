import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Synchronization
import Testing

/// Expired partitions of hundreds of unmerged parts, as a disk where merges failed for hours has them:
/// the first goes by part, a hundred parts per statement, each part checked; once the run has freed room
/// for the empty parts DROP PARTITION writes, the next go whole. Usage never rises above its start, and
/// no row newer than the floor goes.
@Suite("Cleanup of partitions with many parts", .serialized,
       .enabled(if: TestStack.isUp && SmallVolume.canMount, "needs testing/stack.sh up and root (to mount a tmpfs)"))
struct CleanupManyPartsTests {
    static let partsPerMonth = 150

    @Test func theFirstPartitionGoesByPartInBatchesAndTheNextWholeWithoutRaisingUsage() async throws {
        let volume = try SmallVolume(megabytes: 128)
        let fixture = try await LangfuseFixture.onEngine(url: volume.url, rows: 0)
        let client = fixture.client
        try await client.execute("SYSTEM STOP MERGES default.traces")
        // Three calendar months past every tier (3, 4 and 5 months before this one), one part per insert; and young rows.
        for monthsAgo in [3, 4, 5] {
            for _ in 0..<Self.partsPerMonth {
                try await client.execute("""
                    INSERT INTO default.traces (id, timestamp, input, name, project_id, event_ts, is_deleted)
                    SELECT toString(rand64()), toDateTime64(toStartOfMonth(now()) - toIntervalMonth(\(monthsAgo)), 3) + toIntervalDay(1)
                           + toIntervalSecond(number), randomPrintableASCII(1000), 't', 'p', now64(3), 0
                    FROM numbers(100)
                    """)
            }
        }
        try await client.execute("""
            INSERT INTO default.traces (id, timestamp, input, name, project_id, event_ts, is_deleted)
            SELECT toString(rand64()), now64(3) - toIntervalSecond(number * 60), 'young', 't', 'p', now64(3), 0 FROM numbers(3000)
            """)
        let bound = try await fixture.bound("INTERVAL 7 DAY + INTERVAL 1 HOUR")
        let youngRows = "SELECT count(), groupBitXor(cityHash64(id)) FROM default.traces WHERE timestamp >= toDateTime(\(bound))"
        let young = try await fixture.scalar(youngRows)

        let start = volume.usagePercent
        let peak = Mutex(start)
        let watching = Atomic(true)
        let watcher = Thread {
            while watching.load(ordering: .relaxed) {
                let now = volume.usagePercent
                peak.withLock { $0 = max($0, now) }
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
        watcher.start()
        let result = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--floor-days", "7", "--output", "json"],
                                                environment: ["CLICKHOUSE_URL": volume.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"])
        watching.store(false, ordering: .relaxed)
        #expect([0, 3].contains(result.status), "\(result.stdout)\(result.stderr.suffix(3000))")

        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let drops = (report["steps"] as? [[String: Any]] ?? []).filter {
            $0["table"] as? String == "default.traces" && $0["action"] as? String == "drop partition" && $0["status"] as? String == "done"
        }
        #expect(drops.count == 3, "\(result.stdout)")
        let statements = drops.map { ($0["statement"] as? String ?? "").components(separatedBy: "; ") }
        // The oldest first, by part: 150 parts in two statements, every part named once.
        let first = try #require(statements.first)
        #expect(first.count == 2 && first.allSatisfy { $0.hasPrefix("ALTER TABLE `default`.`traces` DROP PART '") }, "\(first)")
        #expect(first.map { $0.components(separatedBy: "DROP PART '").count - 1 } == [100, 50])
        // Then whole: the first freed far more than 150 empty parts take.
        for later in statements.dropFirst() {
            #expect(later.count == 1 && later[0].contains(" DROP PARTITION ID '"), "\(later)")
        }
        #expect(drops.dropFirst().allSatisfy { ($0["reason"] as? String ?? "").contains("whole") })
        let peakSeen = peak.withLock { $0 }
        #expect(peakSeen <= start + 0.05, "usage peaked at \(peakSeen)% from \(start)%")
        #expect(try await fixture.scalar(youngRows) == young)
        #expect(try await fixture.scalar("SELECT count() FROM default.traces WHERE timestamp < now() - INTERVAL 60 DAY") == "0")
    }
}
