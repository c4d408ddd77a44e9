import Foundation
import LFMaintSupport

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

/// One RESP2 reply.
public indirect enum RedisReply: Sendable, Equatable {
    case text(String)
    case null
    case error(String)
    case array([RedisReply])

    /// An integer reply (or a number as text), nil for anything else.
    public var integer: Int64? { if case let .text(text) = self { Int64(text) } else { nil } }
}

/// A blocking RESP2 connection: enough for `AUTH`, `INFO`, `SCAN` and pipelined reads, over TCP or TLS (`rediss://`).
public final class RedisConnection {
    /// INFO answers a few kilobytes: a line or a bulk string longer than these is not Redis.
    static let maximumLineBytes = 64 << 10
    static let maximumBulkBytes = 4 << 20

    private let transport: RedisTransport
    private let timeoutSeconds: Double
    private var buffer: [UInt8] = []
    private var deadline = 0.0
    /// Bytes the replies to one pipeline may still take: a server that answers SCAN with gigabytes is refused.
    private var budget = 0
    static let maximumReplyBytes = 32 << 20

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
    func command(_ arguments: [String]) throws -> String {
        switch try pipeline([arguments])[0] {
        case let .text(text): return text
        case .null: return ""
        case let .error(message): throw RedisError.server(message: message)
        case .array: throw RedisError.protocolError(detail: "an array where a string was expected")
        }
    }

    /// The `key:value` lines of `INFO` for each section, as one dictionary.
    public func info(_ sections: [String]) throws -> [String: String] {
        var fields: [String: String] = [:]
        for section in sections {
            for line in try command(["INFO", section]).split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
                let pair = line.split(separator: ":", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]).trimmingCharacters(in: .whitespaces) }
            }
        }
        return fields
    }

    /// Sends several commands at once and reads their replies in order, all within the connection's
    /// timeout. A command the server refuses is an `.error` reply, not a throw: the others still count.
    public func pipeline(_ commands: [[String]]) throws -> [RedisReply] {
        deadline = MonotonicClock.seconds() + timeoutSeconds
        budget = Self.maximumReplyBytes
        var request = ""
        for arguments in commands {
            request += "*\(arguments.count)\r\n"
            for argument in arguments { request += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        }
        try transport.send(Array(request.utf8))
        return try commands.map { _ in try readReply(depth: 0) }
    }

    /// An array reply has at most this many elements (SCAN's pages are a few hundred), nested at most twice.
    static let maximumArrayElements = 100_000
    static let elementCost = 64

    private func readReply(depth: Int) throws -> RedisReply {
        let line = try readLine()
        guard let kind = line.first else { throw RedisError.protocolError(detail: "empty reply") }
        let rest = String(line.dropFirst())
        switch kind {
        case "+", ":": return .text(rest)
        case "-": return .error(rest)
        case "$":
            guard let length = Int(rest), (-1...Self.maximumBulkBytes).contains(length) else {
                throw RedisError.protocolError(detail: "bulk length \(rest.prefix(40)) is not one Redis sends "
                    + "(at most \(Self.maximumBulkBytes) bytes)")
            }
            if length < 0 { return .null }
            let data = try readBytes(length + 2)
            return .text(String(decoding: data.prefix(length), as: UTF8.self))
        case "*":
            guard let count = Int(rest), (-1...Self.maximumArrayElements).contains(count), depth < 2 else {
                throw RedisError.protocolError(detail: "an array of \(rest.prefix(40)) elements at depth \(depth + 1) "
                    + "is not one lfmaint asks for")
            }
            if count < 0 { return .null }
            // Each element costs memory beyond its bytes: a million empty ones must not fit in the budget.
            try spend(count * Self.elementCost)
            return .array(try (0..<count).map { _ in try readReply(depth: depth + 1) })
        default:
            throw RedisError.protocolError(detail: "unsupported reply type \(kind)")
        }
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0A), end > 0, buffer[end - 1] == 0x0D {
                let line = String(decoding: buffer[..<(end - 1)], as: UTF8.self)
                buffer.removeFirst(end + 1)
                try spend(end + 1)
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
        try spend(count)
        return bytes
    }

    private func spend(_ bytes: Int) throws {
        budget -= bytes
        guard budget >= 0 else {
            throw RedisError.protocolError(detail: "replies of more than \(Self.maximumReplyBytes >> 20) MiB to one request")
        }
    }
}
