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
    private let transport: RedisTransport
    private var buffer: [UInt8] = []

    public init(settings: RedisSettings, timeoutSeconds: Double = 5) throws {
        transport = settings.tls
            ? try RedisTLSTransport(settings: settings, timeoutSeconds: timeoutSeconds)
            : try RedisSocketTransport(host: settings.host, port: settings.port, timeoutSeconds: timeoutSeconds)
        if let password = settings.password, !password.isEmpty {
            _ = try command(["AUTH"] + (settings.username.map { [$0] } ?? []) + [password.reveal()])
        }
    }

    /// Sends one command and returns its reply: a string for simple and bulk strings, an integer as text.
    public func command(_ arguments: [String]) throws -> String {
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
            try transport.receive(into: &buffer)
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try transport.receive(into: &buffer) }
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(count)
        return bytes
    }
}
