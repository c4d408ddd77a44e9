import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// The libcurl client against the real ClickHouse 26.9 engine behind the chdb front.
@Suite("HTTP client ↔ ClickHouse 26.9 (chdb front)", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct HTTPClientChdbTests {
    let client = HTTPClient()

    func url(_ query: String, _ extra: String = "") throws -> String {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try "\(TestStack.chdbURL)/?query=\(encoded)\(extra)"
    }

    @Test func pingAnswersOk() async throws {
        let response = try await client.send(HTTPClientRequest(url: "\(TestStack.chdbURL)/ping"))
        #expect(response.status == 200)
        #expect(response.bodyText == "Ok.\n")
    }

    @Test func basicAuthRunsAQuery() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT version()"), basicAuth: TestStack.clickhouseAuth))
        #expect(response.status == 200)
        #expect(response.bodyText.hasPrefix("26.9"))
    }

    @Test func headerAuthAndPostBodyRunAQuery() async throws {
        let request = HTTPClientRequest(
            method: .post, url: "\(try TestStack.chdbURL)/?default_format=JSONEachRow",
            headers: [("X-ClickHouse-User", try TestStack.clickhouseUser), ("X-ClickHouse-Key", try TestStack.clickhousePassword.reveal())],
            body: Data("SELECT number FROM system.numbers LIMIT 3".utf8))
        let response = try await client.send(request)
        #expect(response.status == 200)
        #expect(response.bodyText == "{\"number\":0}\n{\"number\":1}\n{\"number\":2}\n")
    }

    @Test func wrongPasswordIsForbiddenWithTheServersCode() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT 1"), basicAuth: BasicAuth(user: "default", password: Secret("wrong"))))
        #expect(response.status == 403)
        #expect(response.header("x-clickhouse-exception-code") == "516")
        #expect(response.bodyText.hasPrefix("Code: 516. DB::Exception:"))
    }

    @Test func unknownTableIsNotFound() async throws {
        let response = try await client.send(try HTTPClientRequest(url: url("SELECT * FROM default.no_such_table"), basicAuth: TestStack.clickhouseAuth))
        #expect(response.status == 404)
        #expect(response.header("X-ClickHouse-Exception-Code") == "60")
    }

    @Test func urlParametersApplyAsSettingsForOneQueryOnly() async throws {
        let query = "SELECT value FROM system.settings WHERE name = 'max_block_size'"
        let set = try await client.send(try HTTPClientRequest(url: url(query, "&max_block_size=777"), basicAuth: TestStack.clickhouseAuth))
        let after = try await client.send(try HTTPClientRequest(url: url(query), basicAuth: TestStack.clickhouseAuth))
        #expect(set.bodyText == "777\n")
        #expect(after.bodyText != "777\n")
    }

    @Test func aSlowQueryTimesOut() async throws {
        let request = try HTTPClientRequest(url: url("SELECT sleep(2)"), basicAuth: TestStack.clickhouseAuth)
        await #expect(throws: HTTPClientError.timedOut(url: Redaction.endpoint(request.url), afterSeconds: 0.5)) {
            try await client.send(request, timeoutSeconds: 0.5)
        }
    }

    @Test func anOversizedResponseIsRefused() async throws {
        var options = HTTPClient.Options()
        options.maxResponseBytes = 1000
        let small = HTTPClient(options: options)
        let request = try HTTPClientRequest(url: url("SELECT number FROM system.numbers LIMIT 10000"), basicAuth: TestStack.clickhouseAuth)
        await #expect(throws: HTTPClientError.responseTooLarge(url: Redaction.endpoint(request.url), limitBytes: 1000)) {
            try await small.send(request)
        }
    }

    @Test func manyRequestsReuseHandlesConcurrently() async throws {
        let client = self.client
        let request = try HTTPClientRequest(url: url("SELECT 41 + 1"), basicAuth: TestStack.clickhouseAuth)
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await client.send(request).bodyText } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies == Array(repeating: "42\n", count: 20))
    }
}
