import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP server that behaves badly on purpose: it stalls, drips, streams without end or
/// answers what a test tells it to. Each connection runs `behaviour` on a thread of its own; the
/// listener and every connection are closed when the peer is dropped.
final class HostilePeer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Reads the request and never answers.
        case stall
        /// Sends these bytes one at a time, `interval` seconds apart.
        case drip([UInt8], interval: Double)
        /// Sends this byte for ever (until the client goes away).
        case stream(UInt8)
        /// Reads the request, answers these bytes, closes.
        case reply([UInt8])
        /// Reads a whole HTTP request (head and Content-Length body) and answers what this makes of it.
        case respond(@Sendable (String) -> [UInt8])
        /// Passes each HTTP request to a server on this loopback port and its answer back, except the
        /// requests `stallOn` picks: those are never answered.
        case proxy(port: Int, stallOn: @Sendable (String) -> Bool)
        /// An HTTP/1.1 answer with this status and body.
        static func http(_ status: Int, _ body: String, contentType: String = "application/json") -> Behaviour {
            .reply(httpAnswer(status, body, contentType: contentType))
        }

        static func httpAnswer(_ status: Int, _ body: String, contentType: String = "application/json") -> [UInt8] {
            Array("HTTP/1.1 \(status) X\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
        }
    }

    let port: Int
    private let listener: Int32
    private let behaviour: Behaviour
    private let stopped = NSLock()
    private var isStopped = false

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 64) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { close(listener); throw TestStack.Missing(name: "a loopback port for a hostile peer") }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = listener
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit {
        stopped.withLock { isStopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    private var running: Bool { stopped.withLock { !isStopped } }

    private func acceptLoop() {
        while running {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            let behaviour = behaviour
            Thread { [weak self] in
                defer { close(fd) }
                HostilePeer.serve(fd, behaviour) { self?.running ?? false }
            }.start()
        }
    }

    private static func serve(_ fd: Int32, _ behaviour: Behaviour, running: () -> Bool) {
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 65536)
        if case .proxy(let port, let stallOn) = behaviour {
            let request = readRequest(fd, running: running)
            if stallOn(request) {
                while running() { Thread.sleep(forTimeInterval: 0.1) }
                return
            }
            let answer = forward(request, to: port)
            _ = send(fd, answer, answer.count, Int32(MSG_NOSIGNAL))
            shutdown(fd, Int32(SHUT_WR))
            return
        }
        if case .respond(let answer) = behaviour {
            let request = readRequest(fd, running: running)
            let bytes = answer(request)
            _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
            shutdown(fd, Int32(SHUT_WR))
            return
        }
        _ = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        switch behaviour {
        case .respond, .proxy: return
        case .stall:
            while running() {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count == 0 { return }
            }
        case .drip(let bytes, let interval):
            for byte in bytes where running() {
                guard write(fd, [byte], 1) == 1 else { return }
                Thread.sleep(forTimeInterval: interval)
            }
        case .stream(let byte):
            let chunk = [UInt8](repeating: byte, count: 16384)
            while running(), send(fd, chunk, chunk.count, Int32(MSG_NOSIGNAL)) > 0 {}
        case .reply(let bytes):
            _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
            shutdown(fd, Int32(SHUT_WR))
            while running(), buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) != 0 {}
        }
    }

    private static func readRequest(_ fd: Int32, running: () -> Bool) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while running() {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count > 0 { received += buffer[..<count] }
            let text = String(decoding: received, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let length = text[..<headEnd.lowerBound].split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.distance(from: headEnd.upperBound.samePosition(in: text.utf8)!, to: text.utf8.endIndex) >= length { return text }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// One request to the upstream, asked to close after it, and its whole answer.
    private static func forward(_ request: String, to port: Int) -> [UInt8] {
        guard let upstream = RawHTTPClient(port: port, timeoutSeconds: 30) else { return Behaviour.httpAnswer(502, "no upstream") }
        var lines = request.components(separatedBy: "\r\n")
        lines.insert("Connection: close", at: 1)
        upstream.send(lines.joined(separator: "\r\n"))
        return Array(upstream.receiveAll().utf8)
    }
}
