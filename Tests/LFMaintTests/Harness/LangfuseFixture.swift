import Foundation
@testable import LFMaint
@testable import LFMaintEdges

/// Langfuse's tables (its final schema, v4 or a v3 database that stopped before v4) with rows over the
/// last 90 days, several versions of some and deletes, in a database of their own on the stack's
/// ClickHouse 26.9 engine, from the same files `testing/seed-langfuse.sh` uses.
struct LangfuseFixture {
    enum Version: String, Sendable, CaseIterable, CustomStringConvertible {
        case v3, v4
        var description: String { rawValue }

        var schemaFiles: [String] { ["langfuse-schema.sql", "langfuse-\(rawValue)-schema.sql"] }
        var rowFiles: [String] { ["langfuse-rows.sql", "langfuse-\(rawValue)-rows.sql"] }

        /// The tables lfmaint expires in this version, with their time column and the column that names a row.
        var expiringTables: [(table: String, column: String, id: String)] {
            let v3: [(String, String, String)] = [("traces", "timestamp", "id"), ("observations", "start_time", "id"), ("scores", "timestamp", "id")]
            return self == .v3 ? v3 : v3 + [("events_full", "start_time", "span_id"), ("events_core", "start_time", "span_id")]
        }
    }

    let database: String
    let client: ClickHouseClient
    let config: Configuration
    let version: Version

    static let folder = Repository.file("testing/fixtures")

    /// A fresh database named `lfm_<prefix>_<random>`.
    static func make(_ prefix: String, rows: Int = 9000, configYAML: String = "", version: Version = .v4) async throws -> LangfuseFixture {
        let database = "lfm_\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        let environment = [
            "CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_USER": try TestStack.clickhouseUser,
            "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(), "CLICKHOUSE_DB": database,
            "CLICKHOUSE_CLUSTER_ENABLED": "false",
        ]
        let config = try ConfigurationLoader.load(yaml: configYAML, environment: environment)
        let fixture = LangfuseFixture(database: database, client: ClickHouseClient(settings: config.clickhouse), config: config, version: version)
        try await fixture.load(rows: rows)
        return fixture
    }

    /// Langfuse's tables in `default` on an engine of a test's own (a `SmallVolume`), with `rows` rows
    /// per table over the last 90 days (0: the tables only).
    static func onEngine(url: String, rows: Int, version: Version = .v4) async throws -> LangfuseFixture {
        let config = try ConfigurationLoader.load(yaml: "", environment: ["CLICKHOUSE_URL": url, "CLICKHOUSE_CLUSTER_ENABLED": "false"])
        let fixture = LangfuseFixture(database: "default", client: ClickHouseClient(settings: config.clickhouse), config: config, version: version)
        try await fixture.load(rows: rows)
        return fixture
    }

    private func load(rows: Int) async throws {
        for file in version.schemaFiles + (rows > 0 ? version.rowFiles : []) {
            for statement in try statements(file, rows: rows) { try await client.execute(statement) }
        }
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

    /// `now() - interval` in epoch seconds, taken once: tests compare against a fixed bound, so the
    /// window does not slide while they run.
    func bound(_ interval: String) async throws -> String {
        try await scalar("SELECT toUnixTimestamp(now() - \(interval))")
    }

    /// Per table lfmaint expires, per day at or after `bound`: the rows and a sum over the hash of each
    /// row's id, version and delete mark, as text to compare before and after (a lost or changed version
    /// of any row changes it). `final`: only what Langfuse reads (the newest version of each row, no deletes).
    func rowsPerDay(since bound: String, final: Bool = false) async throws -> [String] {
        var result: [String] = []
        for (table, column, id) in version.expiringTables {
            result.append(try await scalar("""
                SELECT groupArray((d, c, h)) FROM (SELECT toDate(\(column)) AS d, count() AS c, sum(cityHash64(\(id), event_ts, is_deleted)) AS h
                FROM `\(database)`.\(table)\(final ? " FINAL" : "") WHERE \(column) >= toDateTime(\(bound)) GROUP BY d ORDER BY d)
                """))
        }
        return result
    }

    /// Rows older than `bound` in all the tables lfmaint expires together.
    func rows(before bound: String) async throws -> Int {
        var total = 0
        for (table, column, _) in version.expiringTables {
            total += Int(try await scalar("SELECT count() FROM `\(database)`.\(table) WHERE \(column) < toDateTime(\(bound))")) ?? -1
        }
        return total
    }

    /// Every row of a table lfmaint never expires, as one value to compare before and after.
    func fingerprint(of table: String) async throws -> String {
        try await scalar("SELECT count(), sum(cityHash64(*)) FROM `\(database)`.\(table)")
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
