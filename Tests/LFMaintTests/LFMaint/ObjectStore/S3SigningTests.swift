import Foundation
@testable import LFMaint
@testable import LFMaintSupport
import Synchronization
import Testing

/// What reaches the store, byte for byte: moto checks no signature, so a store on loopback records each
/// request and the test signs it again as S3 and MinIO do (canonical query `lifecycle=`, the payload's
/// SHA-256 in `x-amz-content-sha256`), and checks Content-MD5 and the bucket-wide header sent back.
@Suite("S3 requests as the store receives them")
struct S3SigningTests {
    struct Request {
        var method: String
        var target: String
        var headers: [String: String]
        var body: String
    }

    static func parse(_ text: String) -> Request {
        let parts = text.components(separatedBy: "\r\n\r\n")
        var lines = parts[0].components(separatedBy: "\r\n")
        let start = lines.removeFirst().split(separator: " ").map(String.init)
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon]).lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        return Request(method: start[0], target: start[1], headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? SHA256.digest(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        return SHA256.digest(block.map { $0 ^ 0x5c } + SHA256.digest(block.map { $0 ^ 0x36 } + message))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The signature S3 computes for this request with this secret.
    static func signature(of request: Request, secret: String) throws -> (expected: String, sent: String) {
        let authorization = try #require(request.headers["authorization"])
        func field(_ name: String) throws -> String {
            let range = try #require(authorization.range(of: "\(name)="))
            return String(authorization[range.upperBound...].prefix { $0 != "," })
        }
        let scope = try field("Credential").split(separator: "/").dropFirst().joined(separator: "/")
        let signed = try field("SignedHeaders").split(separator: ";").map(String.init)
        let path = String(request.target.prefix { $0 != "?" })
        // As S3 canonicalises the query: each parameter as name=value (an = even without a value), sorted.
        let rawQuery = request.target.contains("?") ? String(request.target.drop { $0 != "?" }.dropFirst()) : ""
        let query = rawQuery.split(separator: "&").map { $0.contains("=") ? String($0) : "\($0)=" }.sorted().joined(separator: "&")
        let canonical = [request.method, path, query]
            + signed.map { "\($0):\(request.headers[$0] ?? "")" }
            + ["", signed.joined(separator: ";"), request.headers["x-amz-content-sha256"] ?? ""]
        let date = try #require(request.headers["x-amz-date"])
        let toSign = ["AWS4-HMAC-SHA256", date, scope, SHA256.hex(Array(canonical.joined(separator: "\n").utf8))].joined(separator: "\n")
        var key = Array("AWS4\(secret)".utf8)
        for part in scope.split(separator: "/") { key = hmac(key, Array(part.utf8)) }
        return (hex(hmac(key, Array(toSign.utf8))), try field("Signature"))
    }

    @Test func everyRequestIsSignedAsS3SignsItAndThePutCarriesItsDigestsAndTheBucketsSetting() throws {
        let secret = "s3-secret-for-signing"
        let stored = Mutex("<LifecycleConfiguration><Rule><ID>keep</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
            + "<Expiration><Days>2</Days></Expiration></Rule></LifecycleConfiguration>")
        let seen = Mutex<[Request]>([])
        let store = try HostilePeer(.respond { text in
            let request = S3SigningTests.parse(text)
            seen.withLock { $0.append(request) }
            if request.method == "PUT" { stored.withLock { $0 = request.body } }
            let body = stored.withLock { $0 }
            return Array(("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                + "x-amz-transition-default-minimum-object-size: varies_by_storage_class\r\n"
                + "Content-Length: \(request.method == "PUT" ? 0 : body.utf8.count)\r\nConnection: close\r\n\r\n"
                + (request.method == "PUT" ? "" : body)).utf8)
        })
        let environment = ["LANGFUSE_S3_EVENT_UPLOAD_BUCKET": "langfuse", "LANGFUSE_S3_EVENT_UPLOAD_PREFIX": "events/",
                           "LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT": "http://127.0.0.1:\(store.port)", "LANGFUSE_S3_EVENT_UPLOAD_REGION": "auto",
                           "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID": "minio", "LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY": secret,
                           "LANGFUSE_S3_MEDIA_UPLOAD_BUCKET": "langfuse", "LANGFUSE_S3_MEDIA_UPLOAD_PREFIX": "media/"]
        let apply = try CommandLineTests().run(["s3", "apply"], environment: environment)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")

        let requests = seen.withLock { $0 }
        #expect(requests.map(\.method) == ["GET", "GET", "PUT", "GET"], "plan, read again just before the put, put, read back")
        for request in requests {
            #expect(request.target == "/langfuse?lifecycle=", "path-style for an IP address, the query with its =")
            let (expected, sent) = try Self.signature(of: request, secret: secret)
            #expect(expected == sent, "\(request.method): the store computes the same signature")
            #expect(request.headers["x-amz-content-sha256"] == SHA256.hex(Array(request.body.utf8)))
            #expect(request.headers["authorization"]?.contains("/auto/s3/aws4_request") == true)
        }
        let put = try #require(requests.first { $0.method == "PUT" })
        #expect(put.headers["content-md5"] == Data(MD5.digest(Array(put.body.utf8))).base64EncodedString())
        #expect(put.headers["x-amz-transition-default-minimum-object-size"] == "varies_by_storage_class", "the bucket's setting, sent back")
        #expect(put.body.contains("<Rule><ID>keep</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"),
                "the rule it had, as it was")
        let wrong = try Self.signature(of: put, secret: "another-secret")
        #expect(wrong.expected != wrong.sent, "a wrong secret gives another signature: the check can fail")
    }
}
