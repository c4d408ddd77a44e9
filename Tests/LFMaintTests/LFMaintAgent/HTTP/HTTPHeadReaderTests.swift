@testable import LFMaint
@testable import LFMaintAgent
import Testing

@Suite("Reading a request head")
struct HTTPHeadReaderTests {
    let limits = HTTPLimits()

    func read(_ chunks: [String]) -> HTTPRequestHead {
        var reader = HTTPHeadReader(limits: limits)
        var result = HTTPRequestHead.incomplete
        for chunk in chunks { result = reader.feed(Array(chunk.utf8)) }
        return result
    }

    @Test func aScrapeIsAGetOfItsPathWithoutTheQuery() {
        #expect(read(["GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"]) == .request(method: "GET", path: "/metrics"))
        #expect(read(["GET /healthz HTTP/1.0\r\n\r\n"]) == .request(method: "GET", path: "/healthz"))
    }

    @Test func aHeadCutAnywhereReadsTheSame() {
        let text = "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n"
        for cut in 1..<text.utf8.count {
            let bytes = Array(text.utf8)
            var reader = HTTPHeadReader(limits: limits)
            #expect(reader.feed(bytes[..<cut]) == .incomplete, "cut at \(cut)")
            #expect(reader.feed(bytes[cut...]) == .request(method: "GET", path: "/readyz"), "cut at \(cut)")
        }
    }

    @Test func aLongRequestLineIsRefusedBeforeItEnds() {
        #expect(read(["GET /" + String(repeating: "a", count: 3000)]) == .refused(.uriTooLong))
        #expect(read(["GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1\r\n"]) == .incomplete)
    }

    @Test func aRequestLineAtTheLimitIsAcceptedWhereverItsCRLFIsCut() {
        let line = "GET /" + String(repeating: "a", count: limits.requestLineBytes - 14) + " HTTP/1.1"
        #expect(line.utf8.count == limits.requestLineBytes)
        #expect(read([line + "\r\n\r\n"]) != .refused(.uriTooLong))
        #expect(read([line + "\r", "\n\r\n"]) != .refused(.uriTooLong))
    }

    @Test func largeHeadersAreRefusedBeforeTheyEnd() {
        #expect(read(["GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 9000)]) == .refused(.headersTooLarge))
        let many = (0..<1000).map { "X-\($0): y\r\n" }.joined()
        #expect(read(["GET / HTTP/1.1\r\n", many, "\r\n"]) == .refused(.headersTooLarge))
    }

    @Test func aBodyIsRefused() {
        #expect(read(["POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"]) == .refused(.contentTooLarge))
        #expect(read(["GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"]) == .refused(.contentTooLarge))
        #expect(read(["GET /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n"]) == .request(method: "GET", path: "/healthz"))
    }

    @Test(arguments: ["\r\n\r\n", "GET\r\n\r\n", "GET /a\r\n\r\n", "GET a HTTP/1.1\r\n\r\n", "GET / SPDY/3\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n"])
    func aMalformedRequestLineIsABadRequest(_ text: String) {
        #expect(read([text]) == .refused(.badRequest))
    }

    @Test func invalidUTF8InThePathIsABadRequest() {
        var reader = HTTPHeadReader(limits: limits)
        #expect(reader.feed(Array("GET /".utf8) + [0xFF, 0xFE] + Array(" HTTP/1.1\r\n\r\n".utf8)) == .refused(.badRequest))
    }
}
