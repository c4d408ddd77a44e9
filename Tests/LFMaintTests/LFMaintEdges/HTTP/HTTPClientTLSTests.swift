import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// HTTPS to the chdb front, whose certificate is signed by the stack's private CA.
@Suite("HTTP client TLS verification", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct HTTPClientTLSTests {
    var pingURL: String { get throws { "\(try TestStack.value("LFMAINT_TEST_CHDB_HTTPS_URL"))/ping" } }

    @Test func anUnknownCAIsRefused() async throws {
        let url = try pingURL
        await #expect {
            try await HTTPClient().send(HTTPClientRequest(url: url))
        } throws: { error in
            if case .tlsFailed? = error as? HTTPClientError { return true }
            return false
        }
    }

    @Test func theConfiguredCAFileIsTrusted() async throws {
        var options = HTTPClient.Options()
        options.caFile = try TestStack.value("LFMAINT_TEST_CA_FILE")
        let response = try await HTTPClient(options: options).send(HTTPClientRequest(url: try pingURL))
        #expect(response.status == 200)
        #expect(response.bodyText == "Ok.\n")
    }
}
