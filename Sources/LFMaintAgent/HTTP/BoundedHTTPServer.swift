import Foundation
import LFMaint
import LFMaintSupport
#if canImport(Glibc)
import Glibc
#endif

/// The agent's HTTP/1.1 server: one GET per connection, answered and closed, on a thread of its own
/// (so no request can take the Swift pool's threads from the sampler and the relief loop). Every connection
/// is bounded in bytes (`HTTPLimits`) and in time; when `limits.connections` are open, a new one
/// closes the oldest still reading, so a flood of slow clients cannot keep a probe out.
final class BoundedHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (_ path: String) -> HTTPAnswer?

    private let listener: Int32
    private let wake: [Int32]
    private let limits: HTTPLimits
    private let handler: Handler

    /// Binds and listens at once, so a taken port is an error before the agent starts.
    init(host: String, port: Int, limits: HTTPLimits = HTTPLimits(), handler: @escaping Handler) throws {
        self.limits = limits
        self.handler = handler
        listener = try SocketListener.open(host: host, port: port)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0, pipeEnds.allSatisfy(SocketListener.makeNonBlocking) else {
            close(listener)
            throw EndpointError.socket("pipe", errno)
        }
        wake = pipeEnds
    }

    /// Serves until `stop()`; returns once every connection is closed.
    func run() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                serve()
                done.resume()
            }
            thread.name = "lfmaint-http"
            thread.start()
        }
    }

    deinit {
        // Here, not when serving ends: `stop()` may still write to the pipe after that.
        wake.forEach { close($0) }
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    private func serve() {
        var connections: [HTTPConnection] = []
        var acceptPausedUntil = 0.0
        defer {
            connections.forEach { close($0.fd) }
            close(listener)
        }
        while true {
            // Out of descriptors, the listener stays readable: left out of the poll a moment, not spun on.
            let now = MonotonicClock.seconds()
            let listening: Int16 = now >= acceptPausedUntil ? Int16(POLLIN) : 0
            var polled = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0), pollfd(fd: listener, events: listening, revents: 0)]
            polled += connections.map { pollfd(fd: $0.fd, events: Int16($0.wantsToWrite ? POLLOUT : POLLIN), revents: 0) }
            let nextDeadline = (connections.map(\.deadline) + [acceptPausedUntil > now ? acceptPausedUntil : now + 1]).min()!
            let waitMilliseconds = Int32(max(0, min(1000, (nextDeadline - now) * 1000)).rounded(.up))
            guard poll(&polled, nfds_t(polled.count), waitMilliseconds) >= 0 || errno == EINTR else { return }
            if polled[0].revents != 0 { return }
            for index in connections.indices where polled[index + 2].revents != 0 {
                connections[index].handleReady(limits: limits, handler: handler)
            }
            let after = MonotonicClock.seconds()
            for index in connections.indices where connections[index].deadline <= after {
                connections[index].handleDeadline(limits: limits)
            }
            connections.removeAll { connection in
                if connection.isDone { close(connection.fd) }
                return connection.isDone
            }
            if polled[1].revents != 0, !accept(into: &connections, now: after) { acceptPausedUntil = after + 0.1 }
        }
    }

    /// Takes the connections waiting, at most a few per round so that open ones are served too; false
    /// when the process is out of descriptors.
    private func accept(into connections: inout [HTTPConnection], now: Double) -> Bool {
        for _ in 0..<16 {
            let fd = Glibc.accept(listener, nil, nil)
            guard fd >= 0 else { return errno != EMFILE && errno != ENFILE && errno != ENOBUFS && errno != ENOMEM }
            guard SocketListener.makeNonBlocking(fd) else {
                close(fd)
                continue
            }
            if connections.count >= max(1, limits.connections) {
                close(connections.remove(at: Self.leastValuable(connections)).fd)
            }
            connections.append(HTTPConnection(fd: fd, opened: now, limits: limits))
        }
        return true
    }
}

extension BoundedHTTPServer {
    /// The connection to give up for a new one: one already answered (only draining), else the one
    /// that has been reading longest (a slow client, not a probe that has just connected).
    static func leastValuable(_ connections: [HTTPConnection]) -> Int {
        let oldestFirst = connections.indices.sorted { connections[$0].opened < connections[$1].opened }
        return oldestFirst.first { connections[$0].isDraining } ?? oldestFirst.first { connections[$0].isReading } ?? oldestFirst[0]
    }
}
