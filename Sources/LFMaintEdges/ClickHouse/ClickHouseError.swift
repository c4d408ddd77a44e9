/// A failure talking to ClickHouse, with what an operator needs: the server, its code and message,
/// and the statement that failed.
public enum ClickHouseError: Error, Equatable, CustomStringConvertible {
    case server(host: String, code: Int?, message: String, statement: String)
    case transport(HTTPClientError)
    case unsupported(host: String, serverVersion: String, feature: ClickHouseFeature)
    case unexpectedResponse(host: String, detail: String, statement: String)

    /// The server's exception code (`Code: 243` is NOT_ENOUGH_SPACE, `359` the partition drop guard).
    public var code: Int? {
        if case let .server(_, code, _, _) = self { return code }
        return nil
    }

    /// NOT_ENOUGH_SPACE, or the disk itself refusing a write.
    public var isOutOfSpace: Bool {
        guard case let .server(_, code, message, _) = self else { return false }
        return code == 243 || message.contains("No space left on device")
    }

    public var description: String {
        switch self {
        case let .server(host, code, message, statement):
            "ClickHouse at \(host) refused \(Self.abbreviate(statement)): " + (code.map { "code \($0): " } ?? "") + message
        case let .transport(error):
            error.description
        case let .unsupported(host, version, feature):
            "ClickHouse \(version) at \(host) does not support \(feature.title) (needs \(feature.minimumVersion) or newer); nothing was changed"
        case let .unexpectedResponse(host, detail, statement):
            "unexpected answer from ClickHouse at \(host) to \(Self.abbreviate(statement)): \(detail)"
        }
    }

    static func abbreviate(_ statement: String) -> String {
        let line = statement.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return line.count > 160 ? "\"\(line.prefix(157))...\"" : "\"\(line)\""
    }

    /// A successful status whose response still reports an exception: the exception header, or a body
    /// that ends in the server's `Code: N. DB::Exception: …` line (or its `__exception__` block).
    static func carriesException(_ response: HTTPClientResponse) -> Bool {
        if response.header("X-ClickHouse-Exception-Code") != nil { return true }
        let tail = String(decoding: response.body.suffix(4096), as: UTF8.self)
        if tail.contains("__exception__") { return true }
        let lastLine = tail.split(whereSeparator: \.isNewline).last ?? ""
        return lastLine.hasPrefix("Code: ") && lastLine.contains("DB::Exception")
    }

    /// Reads the code and message from a response: the `X-ClickHouse-Exception-Code` header when the
    /// server sends one, else the body's `Code: N. DB::Exception: …` (or 18.x's `Code: N, e.displayText() = …`).
    static func fromResponse(_ response: HTTPClientResponse, host: String, statement: String) -> ClickHouseError {
        var body = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        // A streamed result that failed: the exception is the body's last line.
        if let start = body.range(of: "Code: ", options: .backwards), body[start.lowerBound...].contains("DB::Exception") {
            body = String(body[start.lowerBound...])
        }
        var code = response.header("X-ClickHouse-Exception-Code").flatMap { Int($0) }
        var message = body
        if body.hasPrefix("Code: ") {
            let digits = body.dropFirst(6).prefix { $0.isNumber }
            code = code ?? Int(digits)
            if let range = body.range(of: "DB::Exception: ") { message = String(body[range.upperBound...]) }
        }
        if let versionSuffix = message.range(of: " (version ", options: .backwards) { message = String(message[..<versionSuffix.lowerBound]) }
        if let whatSuffix = message.range(of: ", e.what() = ") { message = String(message[..<whatSuffix.lowerBound]) }
        // Not ClickHouse's own words (a proxy's or ingress's error page): one short line of it.
        if !body.hasPrefix("Code: ") { message = response.bodySummary() }
        if message.isEmpty { message = "HTTP \(response.status)" }
        return .server(host: host, code: code, message: message, statement: statement)
    }
}
