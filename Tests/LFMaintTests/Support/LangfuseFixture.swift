import Foundation
import LFMaint

/// Langfuse's tables with rows over the last 90 days, in a database of their own on the stack's
/// ClickHouse 26.9 engine, from the same files `scripts/seed-langfuse.sh` uses.
struct LangfuseFixture {
    let database: String
    let client: ClickHouseClient
    let config: Configuration

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/fixtures")

    /// A fresh database named `lfm_<prefix>_<random>`.
    static func make(_ prefix: String, rows: Int = 9000, configYAML: String = "") async throws -> LangfuseFixture {
        let database = "lfm_\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        let environment = [
            "CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_USER": try TestStack.clickhouseUser,
            "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(), "CLICKHOUSE_DB": database,
            "CLICKHOUSE_CLUSTER_ENABLED": "false",
        ]
        let config = try ConfigurationLoader.load(yaml: configYAML, environment: environment)
        let fixture = LangfuseFixture(database: database, client: ClickHouseClient(settings: config.clickhouse), config: config)
        for statement in try fixture.statements("langfuse-schema.sql", rows: rows) + fixture.statements("langfuse-rows.sql", rows: rows) {
            try await fixture.client.execute(statement)
        }
        return fixture
    }

    /// Langfuse's tables in `default` on an engine of a test's own (a `SmallVolume`), with `rows` rows
    /// per table over the last 90 days (0: the tables only).
    static func onEngine(url: String, rows: Int) async throws -> LangfuseFixture {
        let config = try ConfigurationLoader.load(yaml: "", environment: ["CLICKHOUSE_URL": url, "CLICKHOUSE_CLUSTER_ENABLED": "false"])
        let fixture = LangfuseFixture(database: "default", client: ClickHouseClient(settings: config.clickhouse), config: config)
        for statement in try fixture.statements("langfuse-schema.sql", rows: rows) + (rows > 0 ? fixture.statements("langfuse-rows.sql", rows: rows) : []) {
            try await fixture.client.execute(statement)
        }
        return fixture
    }

    var environment: [String: String] {
        [
            "CLICKHOUSE_URL": config.clickhouse.url, "CLICKHOUSE_USER": config.clickhouse.user,
            "CLICKHOUSE_PASSWORD": config.clickhouse.password.reveal(), "CLICKHOUSE_DB": database,
            "CLICKHOUSE_CLUSTER_ENABLED": "false",
        ]
    }

    func statements(_ file: String, rows: Int) throws -> [String] {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            .replacingOccurrences(of: "{database}", with: database)
            .replacingOccurrences(of: "{rows}", with: String(rows))
            .replacingOccurrences(of: "{days}", with: "90")
        return text.components(separatedBy: ";\n").map { part in
            part.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }.filter { !$0.isEmpty }
    }

    func scalar(_ sql: String) async throws -> String {
        try await client.readText(sql)
    }

    /// Langfuse's app tables and the time column their retention runs on.
    static let appTables = [("traces", "timestamp"), ("observations", "start_time"), ("scores", "timestamp")]

    /// `now() - interval` in epoch seconds, taken once: tests compare against a fixed bound, so the
    /// window does not slide while they run.
    func bound(_ interval: String) async throws -> String {
        try await scalar("SELECT toUnixTimestamp(now() - \(interval))")
    }

    /// Rows per day at or after `bound` in each app table, as text to compare before and after.
    func rowsPerDay(since bound: String, tables: [(String, String)] = appTables) async throws -> [String] {
        var result: [String] = []
        for (table, column) in tables {
            result.append(try await scalar("""
                SELECT groupArray((d, c)) FROM (SELECT toDate(\(column)) AS d, count() AS c FROM `\(database)`.\(table)
                WHERE \(column) >= toDateTime(\(bound)) GROUP BY d ORDER BY d)
                """))
        }
        return result
    }

    /// Rows older than `bound` in all app tables together.
    func rows(before bound: String) async throws -> Int {
        var total = 0
        for (table, column) in Self.appTables {
            total += Int(try await scalar("SELECT count() FROM `\(database)`.\(table) WHERE \(column) < toDateTime(\(bound))")) ?? -1
        }
        return total
    }

    /// Waits (up to 30 s) until no mutation of this database is unfinished.
    func settle() async throws {
        for _ in 0..<150 {
            if try await client.readText("SELECT count() FROM system.mutations WHERE database = '\(database)' AND NOT is_done") == "0" { return }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func drop() async {
        _ = try? await client.execute("DROP DATABASE IF EXISTS `\(database)` SYNC")
    }
}
