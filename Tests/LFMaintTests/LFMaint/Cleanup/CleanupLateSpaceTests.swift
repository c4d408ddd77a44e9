import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// The engine's default `old_parts_lifetime` (480 s): the space a DELETE + OPTIMIZE frees stays on the
/// disk as outdated parts. A run must not mistake late space for none and delete deeper tiers.
@Suite("Cleanup when space returns late", .serialized,
       .enabled(if: TestStack.isUp && SmallVolume.canMount, "needs testing/stack.sh up and root (to mount a tmpfs)"))
struct CleanupLateSpaceTests {
    /// One partition (`PARTITION BY tuple()`) whatever the date, so every tier's relief is a rewrite of
    /// the partition straddling its cutoff; rows spread evenly over 35 days.
    static let schema = """
        CREATE TABLE default.spans (id UInt64, ts DateTime64(3), payload String CODEC(NONE))
        ENGINE = MergeTree PARTITION BY tuple() ORDER BY (ts, id)
        """

    @Test func theRunStopsAtTheFirstTierThatSufficesOnceItsSpaceReturns() async throws {
        let volume = try SmallVolume(megabytes: 256)
        let fixture = try await LangfuseFixture.onEngine(url: volume.url, rows: 0)
        let client = fixture.client
        try await client.execute(Self.schema)
        try await client.execute("""
            INSERT INTO default.spans SELECT number, now64(3) - toIntervalSecond(intDiv(number * 35 * 86400, 120000)), randomPrintableASCII(400)
            FROM numbers(120000)
            """)
        try await client.execute("SYSTEM FLUSH LOGS")
        #expect(try await client.readText("SELECT value FROM system.merge_tree_settings WHERE name = 'old_parts_lifetime'") == "480")
        let data = Double(try #require(Int64(try await client.readText("SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND table = 'spans'"))))
        let total = Double(try #require(Int64(try await client.readText("SELECT total_space FROM system.disks WHERE name = 'default'"))))
        let start = volume.usagePercent
        // Tier 30 frees 5 of the 35 days, tier 21 nine more: the target lies halfway into tier 21's relief.
        let target = Int((start - data / total * 100 * (5 + 4.5) / 35).rounded(.down))
        let threshold = Int(start.rounded(.down))
        #expect(target < threshold && Double(target) < start - data / total * 100 * 6 / 35, "tier 30 alone does not suffice")

        // `now() - INTERVAL 21 DAY + INTERVAL 1 HOUR`: an hour younger than tier 21's cutoff.
        let bound21 = try await fixture.bound("INTERVAL 21 DAY + INTERVAL 1 HOUR")
        let newer = "SELECT count() FROM default.spans WHERE ts >= toDateTime(\(bound21))"
        let newerBefore = try await fixture.scalar(newer)
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-late-\(UUID().uuidString).yaml")
        try "retention: {appDays: 30, tables: [{table: default.spans, column: ts, days: 30}]}\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let result = try CommandLineTests().run(["cleanup", "--threshold", String(threshold), "--target", String(target), "--floor-days", "7",
                                                 "--config", config.path, "--output", "json"],
                                                environment: ["CLICKHOUSE_URL": volume.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr.suffix(3000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]]).filter { $0["table"] as? String == "default.spans" }
        // Tiers 30 and 21 ran; the run measured its relief (under the target), so 14 and 7 were not needed.
        #expect(steps.map { $0["status"] as? String } == ["done", "done"], "\(steps)")
        #expect((report["after"] as? Double ?? 100) < Double(target), "\(result.stdout)")
        #expect(volume.usagePercent < Double(target), "the disk itself shows it: \(volume.usagePercent)%")
        #expect(try await fixture.scalar(newer) == newerBefore, "no row younger than the tier that sufficed was deleted: \(result.stdout)")
        let bound21Older = try await fixture.bound("INTERVAL 21 DAY - INTERVAL 1 HOUR")
        #expect(try await fixture.scalar("SELECT count() FROM default.spans WHERE ts < toDateTime(\(bound21Older))") == "0")
        // The table's own setting is back as it was: lfmaint shortened it only while it waited.
        #expect(try await fixture.scalar("SELECT engine_full FROM system.tables WHERE name = 'spans'").contains("old_parts_lifetime") == false)
    }
}
