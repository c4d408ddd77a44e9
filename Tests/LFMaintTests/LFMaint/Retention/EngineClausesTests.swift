@testable import LFMaint
import Testing

@Suite("Engine clauses and simple TTLs")
struct EngineClausesTests {
    @Test func ttlAndSettingsAreFoundAtTheTopLevel() {
        let clauses = EngineClauses(engineFull: "ReplacingMergeTree(event_ts, is_deleted) PARTITION BY toYYYYMM(timestamp) PRIMARY KEY (project_id, toDate(timestamp)) ORDER BY (project_id, toDate(timestamp), id) TTL toDateTime(timestamp) + toIntervalDay(30) SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1")
        #expect(clauses.ttl == "toDateTime(timestamp) + toIntervalDay(30)")
        #expect(clauses.settings == ["index_granularity": "8192", "ttl_only_drop_parts": "1"])
    }

    @Test func keywordsInsideStringsAndParenthesesAreIgnored() {
        let clauses = EngineClauses(engineFull: "MergeTree ORDER BY (a, 'TTL x') SETTINGS storage_policy = 'TTL SETTINGS', index_granularity = 1")
        #expect(clauses.ttl == nil)
        #expect(clauses.settings["storage_policy"] == "'TTL SETTINGS'")
    }

    @Test func noTTLMeansNil() {
        #expect(EngineClauses(engineFull: "MergeTree ORDER BY id").ttl == nil)
        #expect(EngineClauses(engineFull: "MergeTree ORDER BY id").settings.isEmpty)
    }

    @Test(arguments: [
        ("toDateTime(timestamp) + toIntervalDay(30)", SimpleTTL(column: "timestamp", days: 30)),
        ("event_date + toIntervalDay(10)", SimpleTTL(column: "event_date", days: 10)),
        ("`start_time` + toIntervalDay(7) DELETE", SimpleTTL(column: "start_time", days: 7)),
    ])
    func simpleTTLsAreParsed(text: String, expected: SimpleTTL) {
        #expect(SimpleTTL(text) == expected)
    }

    @Test(arguments: ["event_date + toIntervalMonth(1)", "event_date + toIntervalDay(1) TO VOLUME 'x'", "a + b", "toDateTime(x) + toIntervalDay(y)"])
    func otherTTLsAreNotSimple(text: String) {
        #expect(SimpleTTL(text) == nil)
    }
}
