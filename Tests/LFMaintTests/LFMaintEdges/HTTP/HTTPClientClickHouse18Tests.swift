import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// Protocol smoke test against a real clickhouse-server process: Debian's 18.16.
@Suite("HTTP client ↔ clickhouse-server 18.16", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct HTTPClientClickHouse18Tests {
    let client = HTTPClient()

    func url(_ query: String) throws -> String {
        try "\(TestStack.ch18URL)/?query=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
    }

    @Test func basicAuthRunsAQuery() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT version()"), basicAuth: TestStack.clickhouseAuth))
        #expect(response.status == 200)
        #expect(response.bodyText == "18.16.1\n")
    }

    @Test func wrongPasswordIsUnauthorizedWithTheOldErrorBody() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT 1"), basicAuth: BasicAuth(user: "default", password: Secret("wrong"))))
        #expect(response.status == 401)
        #expect(response.header("X-ClickHouse-Exception-Code") == nil)
        #expect(response.bodyText.hasPrefix("Code: 193, e.displayText() = DB::Exception:"))
    }

    @Test func unknownTableIsNotFound() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT * FROM default.no_such_table"), basicAuth: TestStack.clickhouseAuth))
        #expect(response.status == 404)
        #expect(response.bodyText.hasPrefix("Code: 60, e.displayText() = DB::Exception: Table default.no_such_table doesn't exist."))
    }

    @Test func aServerSideFailureIs500() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT throwIf(1)"), basicAuth: TestStack.clickhouseAuth))
        #expect(response.status == 500)
        #expect(response.bodyText.hasPrefix("Code: 395"))
    }

    @Test func systemDisksDoesNotExistThere() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT * FROM system.disks"), basicAuth: TestStack.clickhouseAuth))
        #expect(response.status == 404)
    }
}
