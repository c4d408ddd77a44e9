import Foundation
import LFMaintSupport

/// Plain TCP with send and receive timeouts. Owns its socket; closed on deinit.
final class RedisSocketTransport: RedisTransport {
    private let descriptor: Int32

    init(host: String, port: Int, timeoutSeconds: Double) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw RedisError.connectFailed(host: host, port: port, detail: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }
        let fd = Glibc.socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw RedisError.connectFailed(host: host, port: port, detail: String(cString: strerror(errno))) }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - timeoutSeconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // With SO_SNDTIMEO set, a blocking connect gives up after the same timeout.
        guard Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let detail = String(cString: strerror(errno))
            close(fd)
            throw RedisError.connectFailed(host: host, port: port, detail: detail)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RedisError.protocolError(detail: "send failed: \(String(cString: strerror(errno)))") }
            sent += written
        }
    }

    func receive(into buffer: inout [UInt8], before deadline: Double) throws {
        let remaining = deadline - MonotonicClock.seconds()
        guard remaining > 0 else { throw RedisError.protocolError(detail: "no complete answer in time") }
        var timeout = timeval(tv_sec: Int(remaining), tv_usec: max(1, Int((remaining - remaining.rounded(.down)) * 1_000_000)))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var chunk = [UInt8](repeating: 0, count: 16384)
        let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard received > 0 else {
            if received < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw RedisError.protocolError(detail: "no complete answer in time") }
            throw RedisError.protocolError(detail: received == 0 ? "connection closed" : "receive failed: \(String(cString: strerror(errno)))")
        }
        buffer += chunk.prefix(received)
    }
}
