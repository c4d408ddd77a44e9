import Foundation
@testable import LFMaintEdges
import Testing

/// Failures below HTTP: these need no server.
@Suite("HTTP client transport errors")
struct HTTPClientTransportTests {
    let client = HTTPClient()

    @Test func aClosedPortIsConnectFailed() async throws {
        let url = "http://127.0.0.1:\(TestStack.closedPort())/ping"
        await #expect {
            try await client.send(HTTPClientRequest(url: url))
        } throws: { error in
            guard case .connectFailed(let printed, _)? = error as? HTTPClientError else { return false }
            return printed == url
        }
    }

    @Test func otherSchemesAreRefusedBeforeAnyIO() {
        #expect(throws: HTTPClientError.invalidRequest(url: "file:///etc/passwd", reason: "only http:// and https:// URLs are allowed")) {
            try client.perform(HTTPClientRequest(url: "file:///etc/passwd"))
        }
    }

    @Test func errorsNeverCarryThePassword() async throws {
        let url = "http://user:hunter2@127.0.0.1:\(TestStack.closedPort())/?password=hunter2&query=SELECT"
        do {
            _ = try await client.send(HTTPClientRequest(url: url))
            Issue.record("expected a connection failure")
        } catch {
            #expect(!String(describing: error).contains("hunter2"))
            #expect(String(describing: error).contains("***"))
        }
    }
}
