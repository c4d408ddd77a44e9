import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// Tables that are not Langfuse's, on engines in other timezones: random time column types (Date,
/// Date32, DateTime and DateTime64, with and without a timezone of their own), partition keys (monthly,
/// daily, a tuple with another column, none, one that is not time at all) and retentions. A run down
/// to the floor deletes no row newer than the floor, and does delete what is well past it.
@Suite("Cleanup on any table, in any timezone", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct CleanupAnyTableTests {
    static let types = ["Date", "Date32", "DateTime", "DateTime('Asia/Tokyo')", "DateTime64(3)", "DateTime64(6, 'America/New_York')"]
    static let keys = ["toYYYYMM(c)", "toDate(c)", "(toYYYYMM(c), k % 3)", "tuple()", "k % 4"]

    struct Table {
        let name: String
        let type: String
        let key: String
        let days: Int
        var isDate: Bool { type.hasPrefix("Date") && !type.hasPrefix("DateTime") }
    }

    @Test(arguments: [("UTC", UInt64(1)), ("America/New_York", UInt64(2)), ("Asia/Tokyo", UInt64(3))])
    func noRowNewerThanTheFloorIsDeleted(timezone: String, seed: UInt64) async throws {
        let engine = try SmallVolume(megabytes: nil, timezone: timezone)
        let fixture = try await LangfuseFixture.onEngine(url: engine.url, rows: 0)
        let client = fixture.client
        #expect(try await client.readText("SELECT timezone()") == timezone)
        var random = SplitMix(seed: seed)
        let floor = Int(random.next() % 6) + 3
        // Each table's own days add a tier to every table's descent: a few kinds of retention keep the run short.
        let tables = (0..<6).map { index in
            Table(name: "t\(index)", type: Self.types[Int(random.next() % UInt64(Self.types.count))],
                  key: Self.keys[Int(random.next() % UInt64(Self.keys.count))], days: [floor, 12, 30][Int(random.next() % 3)])
        }
        for table in tables {
            try await client.execute("CREATE TABLE default.\(table.name) (k UInt64, c \(table.type), v String) ENGINE = MergeTree PARTITION BY \(table.key) ORDER BY k")
            // 3000 rows over 90 days, one every 43 minutes; a date is the row's day on this server.
            let value = "now() - toIntervalSecond(number * 2592)"
            try await client.execute("""
                INSERT INTO default.\(table.name) SELECT number, \(table.isDate ? "toDate(\(value))" : value), randomPrintableASCII(50) FROM numbers(3000)
                """)
            // A row from 2200, where the wide types reach: read through a 32-bit DateTime it would look like the past.
            if table.type.hasPrefix("DateTime64") || table.type == "Date32" {
                try await client.execute("INSERT INTO default.\(table.name) SELECT 9999, '2200-01-01', 'far'")
            }
        }
        // Taken before the run: the run's own cutoffs come later, so the bounds hold with an hour to spare.
        let newer = try await fixture.bound("INTERVAL \(floor) DAY + INTERVAL 1 HOUR")
        let older = try await fixture.bound("INTERVAL \(floor + 2) DAY")
        func young(_ table: Table) -> String {
            table.isDate ? "c >= toDate(toDateTime(\(newer)))" : "c >= toDateTime(\(newer))"
        }
        func old(_ table: Table) -> String {
            table.isDate ? "c < toDate(toDateTime(\(older)))" : "c < toDateTime(\(older))"
        }
        func youngRows() async throws -> [String] {
            var rows: [String] = []
            for table in tables {
                rows.append(try await fixture.scalar("SELECT count(), groupBitXor(cityHash64(k, c)) FROM default.\(table.name) WHERE \(young(table))"))
            }
            return rows
        }
        let before = try await youngRows()
        let yaml = "cleanup: {floorDays: \(floor)}\nretention:\n  appDays: 30\n  tables:\n" + tables.map { "    - {table: default.\($0.name), column: c, days: \($0.days)}\n" }.joined()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-any-\(UUID().uuidString).yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }

        let result = try CommandLineTests().run(["cleanup", "--threshold", "2", "--target", "1", "--config", config.path, "--output", "json"],
                                                environment: ["CLICKHOUSE_URL": engine.url, "CLICKHOUSE_CLUSTER_ENABLED": "false"])
        #expect(result.status == 3, "down to the floor, still above 2%: \(result.stdout.suffix(3000))\(result.stderr.suffix(2000))")
        try await fixture.settle()
        let described = tables.map { "\($0.name) \($0.type) by \($0.key), \($0.days) days" }
        #expect(try await youngRows() == before, "floor \(floor): \(described)")
        for table in tables {
            let left = try await fixture.scalar("SELECT count() FROM default.\(table.name) WHERE \(old(table))")
            #expect(left == "0", "\(table.name) \(table.type) by \(table.key) kept \(left) rows older than the floor and two days")
        }
    }
}
