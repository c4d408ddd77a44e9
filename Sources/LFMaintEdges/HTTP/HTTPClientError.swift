/// What went wrong below the HTTP status line. A non-2xx status is not an error here: callers read
/// `HTTPClientResponse.status` and map it to their own typed errors.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case invalidRequest(url: String, reason: String)
    case connectFailed(url: String, detail: String)
    case timedOut(url: String, afterSeconds: Double)
    case tlsFailed(url: String, detail: String)
    case responseTooLarge(url: String, limitBytes: Int)
    case transport(url: String, curlCode: Int, detail: String)

    public var description: String {
        switch self {
        case let .invalidRequest(url, reason):
            "invalid HTTP request to \(url): \(reason)"
        case let .connectFailed(url, detail):
            "cannot connect to \(url): \(detail) (is the server up and the address right?)"
        case let .timedOut(url, seconds):
            "request to \(url) timed out after \(seconds) s"
        case let .tlsFailed(url, detail):
            "TLS failure talking to \(url): \(detail) (check the CA file and the host name)"
        case let .responseTooLarge(url, limit):
            "response from \(url) is larger than \(limit) bytes; refusing to read it"
        case let .transport(url, code, detail):
            "HTTP transport error talking to \(url): curl code \(code): \(detail)"
        }
    }
}
