/// What a route answers.
struct HTTPAnswer: Sendable {
    var status: HTTPStatus
    var contentType = "text/plain; charset=utf-8"
    var body: String

    func bytes(omitBody: Bool = false) -> [UInt8] {
        let payload = Array(body.utf8)
        let head = "HTTP/1.1 \(status.rawValue) \(status.reason)\r\nContent-Type: \(contentType)\r\n"
            + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + (omitBody ? [] : payload)
    }

    static func refusal(_ status: HTTPStatus) -> HTTPAnswer {
        HTTPAnswer(status: status, body: "\(status.reason)\n")
    }
}
