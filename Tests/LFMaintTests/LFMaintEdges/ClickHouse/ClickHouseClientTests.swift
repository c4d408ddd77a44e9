import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

@Suite("ClickHouse client ↔ real servers", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct ClickHouseClientTests {
    func client(_ url: String) throws -> ClickHouseClient {
        var settings = ClickHouseSettings()
        settings.url = url
        settings.user = try TestStack.clickhouseUser
        settings.password = try TestStack.clickhousePassword
        return ClickHouseClient(settings: settings)
    }

    struct Row: Decodable, Equatable {
        let text: String
        let big: UInt64
        let when: String
    }

    @Test func rowsDecodeAndParametersNeverBecomeSQL() async throws {
        let hostile = "x'); DROP DATABASE system; --"
        let rows = try await client(TestStack.chdbURL).read(
            "SELECT {text:String} AS text, toUInt64(18446744073709551615) AS big, toString(toDate('2026-01-02')) AS when",
            parameters: ["text": hostile], as: Row.self)
        #expect(rows == [Row(text: hostile, big: UInt64.max, when: "2026-01-02")])
    }

    @Test func theVersionIsAskedOnceAndGatesFeatures() async throws {
        let modern = try client(TestStack.chdbURL)
        #expect(try await modern.serverVersion().description.hasPrefix("26.9"))
        try await modern.require(.lightweightDelete)
        let old = try client(TestStack.ch18URL)
        #expect(try await old.serverVersion().description == "18.16.1")
        await #expect(throws: ClickHouseError.unsupported(host: try TestStack.ch18URL, serverVersion: "18.16.1", feature: .systemDisks)) {
            try await old.require(.systemDisks)
        }
    }

    @Test func serverErrorsCarryTheCodeFromTheHeader() async throws {
        await #expect {
            try await client(TestStack.chdbURL).readText("SELECT * FROM system.no_such_table")
        } throws: { error in
            guard case let .server(_, code, message, statement)? = error as? ClickHouseError else { return false }
            return code == 60 && message.contains("no_such_table") && !message.contains("(version") && statement == "SELECT * FROM system.no_such_table"
        }
    }

    @Test func anOldServersErrorBodyIsParsed() async throws {
        await #expect {
            try await client(TestStack.ch18URL).readText("SELECT * FROM default.no_such_table")
        } throws: { error in
            guard case let .server(_, code, message, _)? = error as? ClickHouseError else { return false }
            return code == 60 && message == "Table default.no_such_table doesn't exist."
        }
    }

    @Test func aWrongPasswordIsAServerErrorWithoutThePassword() async throws {
        var settings = ClickHouseSettings()
        settings.url = try TestStack.chdbURL
        settings.password = Secret("hunter2-wrong")
        await #expect {
            try await ClickHouseClient(settings: settings).readText("SELECT 1")
        } throws: { error in
            (error as? ClickHouseError)?.code == 516 && !String(describing: error).contains("hunter2")
        }
    }
}
