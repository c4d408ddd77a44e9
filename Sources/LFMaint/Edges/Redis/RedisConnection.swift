import Foundation

public enum RedisError: Error, Equatable, CustomStringConvertible {
    case connectFailed(host: String, port: Int, detail: String)
    case server(message: String)
    case protocolError(detail: String)

    public var description: String {
        switch self {
        case let .connectFailed(host, port, detail): "cannot connect to Redis at \(host):\(port): \(detail)"
        case let .server(message): "Redis error: \(message)"
        case let .protocolError(detail): "unexpected answer from Redis: \(detail)"
        }
    }
}

/// A blocking RESP2 connection: enough for `AUTH` and `INFO`, over TCP or TLS (`rediss://`).
public final class RedisConnection {
    /// INFO answers a few kilobytes: a line or a bulk string longer than these is not Redis.
    static let maximumLineBytes = 64 << 10
    static let maximumBulkBytes = 4 << 20

    private let transport: RedisTransport
    private let timeoutSeconds: Double
    private var buffer: [UInt8] = []
    private var deadline = 0.0

    public init(settings: RedisSettings, timeoutSeconds: Double = 5) throws {
        self.timeoutSeconds = timeoutSeconds
        transport = settings.tls
            ? try RedisTLSTransport(settings: settings, timeoutSeconds: timeoutSeconds)
            : try RedisSocketTransport(host: settings.host, port: settings.port, timeoutSeconds: timeoutSeconds)
        if let password = settings.password, !password.isEmpty {
            _ = try command(["AUTH"] + (settings.username.map { [$0] } ?? []) + [password.reveal()])
        }
    }

    /// Sends one command and returns its reply: a string for simple and bulk strings, an integer as
    /// text. The whole reply must arrive within the connection's timeout, however the server paces it.
    public func command(_ arguments: [String]) throws -> String {
        deadline = MonotonicClock.seconds() + timeoutSeconds
        var request = "*\(arguments.count)\r\n"
        for argument in arguments { request += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        try transport.send(Array(request.utf8))
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
            guard let length = Int(rest), length <= Self.maximumBulkBytes else {
                throw RedisError.protocolError(detail: "bulk length \(rest.prefix(40)) is not one Redis sends (at most \(Self.maximumBulkBytes) bytes)")
            }
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
            guard buffer.count <= Self.maximumLineBytes else {
                throw RedisError.protocolError(detail: "a line of more than \(Self.maximumLineBytes) bytes without CRLF")
            }
            try transport.receive(into: &buffer, before: deadline)
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try transport.receive(into: &buffer, before: deadline) }
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(count)
        return bytes
    }
}
