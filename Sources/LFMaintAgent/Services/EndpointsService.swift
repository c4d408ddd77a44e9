import Foundation
import LFMaint
import ServiceLifecycle

/// `/metrics` (Prometheus text), `/healthz` (the process answers) and `/readyz` (a cycle succeeded
/// within the last three intervals) on the agent's listen address.
struct EndpointsService: Service, CustomStringConvertible {
    var description: String { "endpoints" }
    let server: BoundedHTTPServer

    init(status: AgentStatus, listen: ListenAddress, intervalSeconds: Double) throws {
        let readyWindow = 3 * intervalSeconds
        server = try BoundedHTTPServer(host: listen.host, port: listen.port) { path in
            switch path {
            case "/metrics":
                HTTPAnswer(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: status.exposition())
            case "/healthz":
                HTTPAnswer(status: .ok, body: "ok\n")
            case "/readyz":
                status.isReady(now: Date().timeIntervalSince1970, window: readyWindow)
                    ? HTTPAnswer(status: .ok, body: "ready\n")
                    : HTTPAnswer(status: .serviceUnavailable, body: "not ready: no cycle succeeded in the last \(Int(readyWindow)) s\n")
            default:
                nil
            }
        }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await server.run()
            } onCancel: {
                server.stop()
            }
        } onGracefulShutdown: {
            server.stop()
        }
    }
}
