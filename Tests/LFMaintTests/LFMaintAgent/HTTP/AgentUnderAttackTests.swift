import Foundation
import Synchronization
import Testing

/// `lfmaint agent` while clients flood its port: probes stay fast and the sampler keeps its schedule.
@Suite("The agent under a flood of hostile requests", .serialized, .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct AgentUnderAttackTests {
    @Test func oneMegabyteHeadersAnd64KilobyteRequestsLeaveHealthzFastAndTheCyclesGoingOn() throws {
        let agent = try AgentProcess(config: "agent: {intervalSeconds: 0.5}\n", environment: [
            "CLICKHOUSE_URL": try TestStack.chdbURL, "CLICKHOUSE_PASSWORD": try TestStack.clickhousePassword.reveal(),
            "CLICKHOUSE_CLUSTER_ENABLED": "false",
        ], arguments: ["--dry-run"])
        let cycles = { AgentProcess.sum(agent.get("/metrics")?.body ?? "", "lfmaint_cycles_total") ?? 0 }
        #expect(agent.wait(upTo: 20) { cycles() >= 1 }, "\(agent.stderr.suffix(2000))")
        let before = cycles()
        let port = agent.port
        let refused = Atomic<Int>(0)
        let result = BoundedHTTPServerTests.probe(port: port) {
            let end = Date().addingTimeInterval(6)
            let big = "GET /metrics HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"
            let long = "GET /" + String(repeating: "x", count: 65536) + " HTTP/1.1\r\n\r\n"
            let attackers = (0..<22).map { index in
                Thread {
                    while Date() < end {
                        guard let client = RawHTTPClient(port: port) else { continue }
                        client.send(index < 2 ? big : long)
                        if let status = client.status(), status == 431 || status == 414 { refused.add(1, ordering: .relaxed) }
                    }
                }
            }
            attackers.forEach { $0.start() }
            while attackers.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.05) }
        }
        let after = cycles()
        #expect(refused.load(ordering: .relaxed) > 100)
        #expect(result.failed.isEmpty, "\(result.failed)")
        #expect(result.slowest < 0.1, "slowest /healthz \(result.slowest) s over \(result.probes) probes")
        #expect(after - before >= 6, "cycles went from \(before) to \(after) in 6 s at one per 0.5 s")
        // SIGTERM while 1 MiB headers still arrive: it stops as quickly as when idle.
        let flooding = Thread {
            let end = Date().addingTimeInterval(5)
            while Date() < end, let client = RawHTTPClient(port: port, timeoutSeconds: 1) {
                client.send("GET /healthz HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n")
                _ = client.status()
            }
        }
        flooding.start()
        Thread.sleep(forTimeInterval: 0.5)
        let stopped = agent.terminate(limit: 10)
        #expect(stopped?.status == 0)
        #expect((stopped?.seconds ?? 99) < 3, "stopped in \(stopped?.seconds ?? 99) s")
        while !flooding.isFinished { Thread.sleep(forTimeInterval: 0.05) }
    }
}
