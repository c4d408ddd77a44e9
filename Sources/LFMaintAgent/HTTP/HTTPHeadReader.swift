import Foundation

/// What the bytes received so far make of a request.
enum HTTPRequestHead: Equatable {
    case incomplete
    case request(method: String, path: String)
    case refused(HTTPStatus)
}

/// Reads a GET's head as it arrives, each byte examined once, however it is cut into chunks.
struct HTTPHeadReader {
    let limits: HTTPLimits
    private var bytes: [UInt8] = []
    private var scanned = 0
    private var lineEnd: Int?

    init(limits: HTTPLimits) { self.limits = limits }

    mutating func feed(_ chunk: some Collection<UInt8>) -> HTTPRequestHead {
        bytes.append(contentsOf: chunk)
        while scanned < bytes.count {
            let index = scanned
            scanned += 1
            guard index >= 1, bytes[index] == 10, bytes[index - 1] == 13 else { continue }
            guard let lineEnd else {
                if index - 1 > limits.requestLineBytes { return .refused(.uriTooLong) }
                lineEnd = index - 1
                continue
            }
            if index - 3 >= lineEnd, bytes[index - 2] == 10, bytes[index - 3] == 13 {
                return index + 1 > limits.headBytes ? .refused(.headersTooLarge) : head(lineEnd: lineEnd, headEnd: index - 1)
            }
        }
        // + 1: the line's CR may have come without its LF yet.
        if lineEnd == nil, bytes.count > limits.requestLineBytes + 1 { return .refused(.uriTooLong) }
        return bytes.count > limits.headBytes ? .refused(.headersTooLarge) : .incomplete
    }

    private func head(lineEnd: Int, headEnd: Int) -> HTTPRequestHead {
        let words = bytes[..<lineEnd].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard words.count == 3, words[2].starts(with: Array("HTTP/1.".utf8)), words[1].first == UInt8(ascii: "/"),
              let method = String(validating: words[0], as: UTF8.self),
              let target = String(validating: words[1], as: UTF8.self) else { return .refused(.badRequest) }
        if Self.hasBody(headers: bytes[(lineEnd + 2)..<headEnd]) { return .refused(.contentTooLarge) }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        return .request(method: method, path: path)
    }

    /// A GET to these endpoints has no body: any length above zero, or a chunked one, is refused.
    private static func hasBody(headers: ArraySlice<UInt8>) -> Bool {
        for line in headers.split(separator: 10) {
            guard let text = String(validating: line, as: UTF8.self)?.lowercased() else { continue }
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
            switch parts[0] {
            case "content-length" where value != "0": return true
            case "transfer-encoding": return true
            default: continue
            }
        }
        return false
    }
}
