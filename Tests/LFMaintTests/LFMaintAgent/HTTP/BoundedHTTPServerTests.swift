import Foundation
@testable import LFMaintAgent
import Synchronization
import Testing

/// The endpoints' server against clients that send too much, too slowly or too often.
@Suite("The agent's HTTP server under hostile clients", .serialized)
struct BoundedHTTPServerTests {
    /// A running server with /healthz; stopped (and awaited) by `finish()`.
    final class Running: Sendable {
        let port = TestStack.closedPort()
        let server: BoundedHTTPServer
        let task: Task<Void, Never>

        init(limits: HTTPLimits = HTTPLimits()) throws {
            server = try BoundedHTTPServer(host: "127.0.0.1", port: port, limits: limits) { path in
                path == "/healthz" ? HTTPAnswer(status: .ok, body: "ok\n") : nil
            }
            let server = server
            task = Task { await server.run() }
        }

        func finish() async { server.stop(); await task.value }
    }

    /// Probes /healthz while `attack` runs; returns the slowest probe in seconds and how many probes failed.
    static func probe(port: Int, during attack: @escaping @Sendable () -> Void) -> (slowest: Double, failed: [String], probes: Int) {
        let done = Atomic<Bool>(false)
        let attacker = Thread { attack(); done.store(true, ordering: .sequentiallyConsistent) }
        attacker.start()
        var slowest = 0.0, failed: [String] = [], probes = 0
        repeat {
            let answer = RawHTTPClient.get("/healthz", port: port)
            probes += 1
            if answer.status != 200 { failed.append("\(answer.status.map(String.init) ?? "no answer") after \(answer.seconds) s") }
            slowest = max(slowest, answer.seconds)
            Thread.sleep(forTimeInterval: 0.02)
        } while !done.load(ordering: .sequentiallyConsistent)
        return (slowest, failed, probes)
    }

    @Test func aOneMegabyteHeaderIsRefusedWith431AndProbesStayFast() async throws {
        let running = try Running()
        let statuses = Mutex<[Int?]>([])
        let port = running.port
        let result = Self.probe(port: port) {
            for _ in 0..<5 {
                let client = RawHTTPClient(port: port)!
                client.send("GET /healthz HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n")
                let status = client.status()
                statuses.withLock { $0.append(status) }
            }
        }
        await running.finish()
        #expect(statuses.withLock { $0 } == Array(repeating: 431, count: 5))
        #expect(result.failed.isEmpty, "\(result.failed)")
        #expect(result.slowest < 0.1, "slowest probe \(result.slowest) s")
    }

    @Test func aFloodOf64KilobyteRequestsLeavesProbesUnder100Milliseconds() async throws {
        let running = try Running()
        let port = running.port
        let refused = Atomic<Int>(0)
        let result = Self.probe(port: port) {
            let end = Date().addingTimeInterval(3)
            let flooders = (0..<20).map { _ in
                Thread {
                    while Date() < end {
                        guard let client = RawHTTPClient(port: port) else { continue }
                        client.send("GET /" + String(repeating: "x", count: 65536) + " HTTP/1.1\r\n\r\n")
                        if client.status() == 414 { refused.add(1, ordering: .relaxed) }
                    }
                }
            }
            flooders.forEach { $0.start() }
            while flooders.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.05) }
        }
        await running.finish()
        #expect(refused.load(ordering: .relaxed) > 100, "the flood got its 414s")
        #expect(result.failed.isEmpty, "\(result.failed)")
        #expect(result.probes > 20)
        #expect(result.slowest < 0.1, "slowest probe \(result.slowest) s")
    }

    @Test func slowClientsBeyondTheCapCannotKeepAProbeOut() async throws {
        var limits = HTTPLimits()
        limits.connections = 16
        let running = try Running(limits: limits)
        // Twice the cap, each dripping a byte now and then, never finishing its request.
        let drippers = (0..<32).compactMap { _ in RawHTTPClient(port: running.port) }
        for client in drippers { client.send("G") }
        let result = Self.probe(port: running.port) {
            for round in 0..<10 {
                for client in drippers { client.send(round.isMultiple(of: 2) ? "E" : "T") }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        await running.finish()
        #expect(result.failed.isEmpty, "\(result.failed)")
        #expect(result.slowest < 0.1, "slowest probe \(result.slowest) s")
    }

    @Test func aClientThatSendsNothingIsAnswered408AtTheReadDeadline() async throws {
        var limits = HTTPLimits()
        limits.readSeconds = 0.5
        let running = try Running(limits: limits)
        let silent = try #require(RawHTTPClient(port: running.port))
        let dripping = try #require(RawHTTPClient(port: running.port))
        let start = Date()
        dripping.send("GET /hea")
        try await Task.sleep(for: .milliseconds(300))
        dripping.send("lthz HT")
        #expect(silent.status() == 408)
        #expect(dripping.status() == 408)
        #expect(Date().timeIntervalSince(start) < 2)
        await running.finish()
    }

    @Test func otherPathsAndMethodsAreRefused() async throws {
        let running = try Running()
        #expect(RawHTTPClient.get("/nothing", port: running.port).status == 404)
        let post = try #require(RawHTTPClient(port: running.port))
        post.send("DELETE /healthz HTTP/1.1\r\n\r\n")
        #expect(post.status() == 405)
        let body = try #require(RawHTTPClient(port: running.port))
        body.send("GET /healthz HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n")
        #expect(body.status() == 413)
        let garbage = try #require(RawHTTPClient(port: running.port))
        garbage.send([0, 1, 2, 255, 13, 10, 13, 10])
        #expect(garbage.status() == 400)
        await running.finish()
    }

    @Test func stopEndsTheServerAtOnceWithClientsStillConnected() async throws {
        let running = try Running()
        let idle = (0..<10).compactMap { _ in RawHTTPClient(port: running.port) }
        for client in idle { client.send("GET /healthz HTTP/1.1\r\n") }
        let start = Date()
        await running.finish()
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(RawHTTPClient(port: running.port) == nil, "the port is closed")
    }
}
