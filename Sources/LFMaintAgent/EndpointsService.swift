import FlyingFox
import FlyingSocks
import Foundation
import LFMaint
import Logging
import ServiceLifecycle

/// `/metrics` (Prometheus text), `/healthz` (the process answers) and `/readyz` (a cycle succeeded
/// within the last three intervals) on the agent's listen address.
struct EndpointsService: Service {
    let server: HTTPServer

    init(status: AgentStatus, listen: ListenAddress, intervalSeconds: Double) async throws {
        let address: any SocketAddress = listen.host.contains(":")
            ? try sockaddr_in6.inet6(ip6: listen.host, port: UInt16(listen.port))
            : try sockaddr_in.inet(ip4: listen.host, port: UInt16(listen.port))
        server = HTTPServer(address: address, timeout: 10, logger: SwiftLogBridge(logger: Logger(label: "lfmaint.http")))
        let text: HTTPHeaders = [.contentType: "text/plain; charset=utf-8"]
        await server.appendRoute("GET /metrics") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(status.exposition().utf8))
        }
        await server.appendRoute("GET /healthz") { _ in HTTPResponse(statusCode: .ok, headers: text, body: Data("ok\n".utf8)) }
        await server.appendRoute("GET /readyz") { _ in
            status.isReady(now: Date().timeIntervalSince1970, window: 3 * intervalSeconds)
                ? HTTPResponse(statusCode: .ok, headers: text, body: Data("ready\n".utf8))
                : HTTPResponse(statusCode: .serviceUnavailable, headers: text,
                               body: Data("not ready: no cycle succeeded in the last \(Int(3 * intervalSeconds)) s\n".utf8))
        }
    }

    func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await server.run()
            } onGracefulShutdown: {
                Task { await server.stop(timeout: 1) }
            }
        } catch where Task.isShuttingDownGracefully || Task.isCancelled {
            // Stopped on purpose.
        }
    }
}

/// FlyingFox's log lines through swift-log, so they follow `--log-format`. Its per-connection lines
/// are debug; its "server error" when the listening socket closes on shutdown is expected.
struct SwiftLogBridge: FlyingSocks.Logging {
    let logger: Logger
    func logDebug(_ debug: @autoclosure () -> String) { logger.debug("\(debug())") }
    func logInfo(_ info: @autoclosure () -> String) { logger.debug("\(info())") }
    func logWarning(_ warning: @autoclosure () -> String) { logger.warning("\(warning())") }
    func logError(_ error: @autoclosure () -> String) { logger.log(level: stopping ? .debug : .error, "\(error())") }
    func logCritical(_ critical: @autoclosure () -> String) { logger.log(level: stopping ? .debug : .critical, "\(critical())") }
    private var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }
}
