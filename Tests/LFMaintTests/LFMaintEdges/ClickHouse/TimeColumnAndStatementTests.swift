@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

@Suite("Time columns, bounds and the statement vocabulary")
struct TimeColumnAndStatementTests {
    let column = SQLIdentifier("t")!
    let table = QualifiedTableName("default.traces", defaultDatabase: "default")!

    @Test(arguments: [("Date", true), ("Date32", true), ("DateTime", false), ("DateTime('Asia/Tokyo')", false),
                      ("DateTime64(3)", false), ("DateTime64(6, 'America/New_York')", false)])
    func everyDateAndTimeTypeIsAColumnRowsAreAgedBy(type: String, isDate: Bool) {
        #expect(TimeColumn(name: column, type: type)?.isDate == isDate)
    }

    @Test(arguments: ["Nullable(DateTime)", "LowCardinality(Date)", "String", "UInt32", "Array(Date)"])
    func aColumnThatCanHoldNoAgeIsNot(type: String) {
        #expect(TimeColumn(name: column, type: type) == nil)
    }

    @Test func aDateBoundIsADayOverInEveryTimezoneAndWrittenAsADate() throws {
        let date = try #require(TimeColumn(name: column, type: "Date"))
        // 2025-11-10 14:00 UTC: the 9th is over everywhere (UTC-12 ends it at 12:00 UTC), the 10th is not.
        let cutoff: Int64 = 1_762_732_800 + 14 * 3600
        #expect(date.bound(before: cutoff) == .day(20_402))
        #expect(date.bound(before: cutoff)?.literal == "toDate32('2025-11-10')")
        #expect(date.bound(before: cutoff - 1) == .day(20_401), "a second earlier, the 9th still runs somewhere")
        #expect(date.rowsEnd(newest: 20_401) == cutoff, "a row of the 9th ends when the bound says")
    }

    @Test func boundsNeverLeaveTheTypesRange() throws {
        let date = try #require(TimeColumn(name: column, type: "Date"))
        let date32 = try #require(TimeColumn(name: column, type: "Date32"))
        let instant = try #require(TimeColumn(name: column, type: "DateTime64(3)"))
        #expect(date.bound(before: 0) == nil, "nothing is older than 1970 in a Date")
        #expect(date32.bound(before: -86_400 * 365 + 14 * 3600)?.literal == "toDate32('1969-01-01')")
        #expect(instant.bound(before: 0) == nil && instant.bound(before: -5) == nil, "no DateTime literal before 1970 is written")
        #expect(instant.bound(before: 4_294_967_296) == nil, "nor one past 2106, where it would wrap")
        #expect(instant.bound(before: 1_800_000_000) == .second(1_800_000_000))
        #expect(instant.rowsEnd(newest: .max) == .max && date.rowsEnd(newest: .max) == .max, "a server's extreme value never traps")
    }

    @Test(arguments: [(0, "1970-01-01"), (-1, "1969-12-31"), (20_788, "2026-12-01"), (65_535, "2149-06-06"), (-25_567, "1900-01-01"),
                      (11_016, "2000-02-29")])
    func dayNumbersAreCivilDates(day: Int64, text: String) {
        #expect(ColumnBound.day(day).literal == "toDate32('\(text)')")
    }

    @Test func aCalendarKeyProvesItsPartitionsEnd() {
        let ts = SQLIdentifier("timestamp")!
        // November 2026 ends at 2026-12-01 00:00 local time: over everywhere by 14:00 UTC.
        #expect(PartitionKeyBound.end(key: "toYYYYMM(timestamp)", column: ts, id: PartitionName("202611")!) == Int64(1_796_083_200 + 14 * 3600))
        #expect(PartitionKeyBound.end(key: "toYYYYMM(timestamp)", column: ts, id: PartitionName("202612")!) == Int64(1_798_761_600 + 14 * 3600))
        #expect(PartitionKeyBound.end(key: "toDate(timestamp)", column: ts, id: PartitionName("20261130")!) == Int64(1_796_083_200 + 14 * 3600))
        #expect(PartitionKeyBound.end(key: "(toYYYYMM(timestamp), project_id)", column: ts, id: PartitionName("202611")!) == nil)
        #expect(PartitionKeyBound.end(key: "toYYYYMM(created_at)", column: ts, id: PartitionName("202611")!) == nil)
        #expect(PartitionKeyBound.end(key: "toYYYYMM(timestamp)", column: ts, id: PartitionName("202613")!) == nil)
    }

    @Test func everyStatementIsWrittenFromTypedValues() {
        let cluster = ClusterClause.onCluster(SQLIdentifier("default")!)
        let part = PartitionName("202611_1_9_2")!
        #expect(ClickHouseStatement.dropParts(table, [part], cluster).sql
            == "ALTER TABLE `default`.`traces` ON CLUSTER `default` DROP PART '202611_1_9_2'")
        #expect(ClickHouseStatement.dropParts(table, [part, PartitionName("202611_10_10_0")!], .none).sql
            == "ALTER TABLE `default`.`traces` DROP PART '202611_1_9_2', DROP PART '202611_10_10_0'")
        #expect(ClickHouseStatement.deleteInPartition(table, PartitionName("202611")!, column: column, before: .second(1_800_000_000), .none).sql
            == "DELETE FROM `default`.`traces` IN PARTITION ID '202611' WHERE `t` < toDateTime(1800000000)")
        #expect(ClickHouseStatement.modifyTTL(table, TTLExpression(column: column, kind: .dateTime64, days: 30), .none).sql
            == "ALTER TABLE `default`.`traces` MODIFY TTL toDateTime(`t`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0")
        #expect(ClickHouseStatement.claimLock(table, name: "n", holder: "h'; DROP", expirySeconds: 60).sql.contains("{holder:String}"),
                "values go as query parameters, never into the SQL")
        #expect(ClickHouseStatement.claimLock(table, name: "n", holder: "h'; DROP", expirySeconds: 60).parameters["holder"] == "h'; DROP")
        #expect(ClusterClause.none.sql == "")
    }
}
