import FlyingFox
import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Synchronization
import Testing

/// A server that says 200 and then an exception (as ClickHouse does once a response has begun to
/// stream, or a proxy in front of it might): the statement has failed, whatever the status says.
@Suite("ClickHouse errors inside a 200")
struct ClickHouseStreamedErrorTests {
    /// Answers every request with status 200, `body` and `headers`, and keeps the query strings it was sent.
    final class Peer: Sendable {
        let url: String
        let task: Task<Void, Error>
        private let queries = Mutex<[String]>([])

        init(body: String, headers: [HTTPHeader: String] = [:]) async throws {
            let port = TestStack.closedPort()
            let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: UInt16(port)), logger: .disabled)
            url = "http://127.0.0.1:\(port)"
            task = Task { try await server.run() }
            await server.appendRoute("*") { request in
                self.queries.withLock { $0.append(request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")) }
                return HTTPResponse(statusCode: .ok, headers: headers, body: Data(body.utf8))
            }
            try await server.waitUntilListening()
        }

        var seen: [String] { queries.withLock { $0 } }
    }

    func client(_ peer: Peer) -> ClickHouseClient {
        var settings = ClickHouseSettings()
        settings.url = peer.url
        return ClickHouseClient(settings: settings)
    }

    static let exception = "Code: 159. DB::Exception: Timeout exceeded: elapsed 5.0 seconds, maximum: 5. (TIMEOUT_EXCEEDED) (version 25.2.1.1)\n"

    @Test(arguments: [
        ("", Self.exception, [HTTPHeader("X-ClickHouse-Exception-Code"): "159"]),
        ("the body alone", Self.exception, [:]),
        ("after rows", "{\"a\":1}\n{\"a\":2}\n" + Self.exception, [:]),
        ("the exception block", "{\"a\":1}\n__exception__\r\nabcdefgh\r\n" + Self.exception + "\r\n103 abcdefgh\r\n__exception__\r\n", [:]),
    ])
    func aStatementWhoseAnswerCarriesAnExceptionFailed(_ name: String, body: String, headers: [HTTPHeader: String]) async throws {
        let peer = try await Peer(body: body, headers: headers)
        defer { peer.task.cancel() }
        let table = QualifiedTableName("default.traces", defaultDatabase: "default")!
        await #expect {
            try await client(peer).execute(.dropParts(table, [PartitionName("202611_1_1_0")!], .none))
        } throws: { error in
            (error as? ClickHouseError)?.code == 159 && String(describing: error).contains("Timeout exceeded")
        }
        #expect(peer.seen.allSatisfy { $0.contains("wait_end_of_query=1") }, "\(peer.seen)")
    }

    @Test func aQuietSuccessIsASuccess() async throws {
        let peer = try await Peer(body: "")
        defer { peer.task.cancel() }
        let table = QualifiedTableName("default.traces", defaultDatabase: "default")!
        try await client(peer).execute(.dropParts(table, [PartitionName("202611_1_1_0")!], .none))
        #expect(try await client(peer).readText("SELECT 1") == "")
    }
}
