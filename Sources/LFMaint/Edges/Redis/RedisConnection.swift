import Foundation

public enum RedisError: Error, Equatable, CustomStringConvertible {
    case connectFailed(host: String, port: Int, detail: String)
    case server(message: String)
    case protocolError(detail: String)
    case tlsUnsupported(host: String)

    public var description: String {
        switch self {
        case let .connectFailed(host, port, detail): "cannot connect to Redis at \(host):\(port): \(detail)"
        case let .server(message): "Redis error: \(message)"
        case let .protocolError(detail): "unexpected answer from Redis: \(detail)"
        case let .tlsUnsupported(host): "Redis at \(host) needs TLS (rediss://), which lfmaint's Redis client does not speak yet"
        }
    }
}

/// A blocking RESP2 connection: enough for `AUTH` and `INFO`. Owns its socket; closed on deinit.
public final class RedisConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    public init(settings: RedisSettings, timeoutSeconds: Double = 5) throws {
        guard !settings.tls else { throw RedisError.tlsUnsupported(host: settings.host) }
        descriptor = try Self.connect(host: settings.host, port: settings.port, timeoutSeconds: timeoutSeconds)
        if let password = settings.password, !password.isEmpty {
            _ = try command(["AUTH", password.reveal()])
        }
    }

    deinit { close(descriptor) }

    /// Sends one command and returns its reply: a string for simple and bulk strings, an integer as text.
    public func command(_ arguments: [String]) throws -> String {
        var request = "*\(arguments.count)\r\n"
        for argument in arguments { request += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RedisError.protocolError(detail: "send failed: \(String(cString: strerror(errno)))") }
            sent += written
        }
        return try readReply()
    }

    private func readReply() throws -> String {
        let line = try readLine()
        guard let kind = line.first else { throw RedisError.protocolError(detail: "empty reply") }
        let rest = String(line.dropFirst())
        switch kind {
        case "+", ":": return rest
        case "-": throw RedisError.server(message: rest)
        case "$":
            guard let length = Int(rest) else { throw RedisError.protocolError(detail: "bad bulk length \(rest)") }
            if length < 0 { return "" }
            let data = try readBytes(length + 2)
            return String(decoding: data.prefix(length), as: UTF8.self)
        default:
            throw RedisError.protocolError(detail: "unsupported reply type \(kind)")
        }
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0A), end > 0, buffer[end - 1] == 0x0D {
                let line = String(decoding: buffer[..<(end - 1)], as: UTF8.self)
                buffer.removeFirst(end + 1)
                return line
            }
            try fill()
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(count)
        return bytes
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard received > 0 else {
            throw RedisError.protocolError(detail: received == 0 ? "connection closed" : "receive failed: \(String(cString: strerror(errno)))")
        }
        buffer += chunk.prefix(received)
    }

    private static func connect(host: String, port: Int, timeoutSeconds: Double) throws -> Int32 {
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
        return fd
    }
}
