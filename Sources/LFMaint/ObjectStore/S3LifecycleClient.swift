import Foundation
import LFMaintEdges
import LFMaintSupport

/// GetBucketLifecycleConfiguration and PutBucketLifecycleConfiguration on Langfuse's event bucket,
/// signed by libcurl's SigV4 (service `s3`), path-style or virtual-hosted as Langfuse reaches it.
/// curl 7.88 signs `?lifecycle` without its `=` and sends no `x-amz-content-sha256` (S3 and MinIO
/// require both): the URL carries `lifecycle=` and the header is added here, with the Content-MD5 a
/// lifecycle PUT needs.
public struct S3LifecycleClient: Sendable {
    let settings: EventBucketSettings
    let bucket: String
    let http: HTTPClient
    let credentials: AWSCredentialProvider

    /// A lifecycle document holds at most 1,000 rules: 2 MiB is more than any store sends.
    static let maxResponseBytes = 2 << 20

    init(config: Configuration, http: HTTPClient? = nil) throws {
        try config.s3.validate()
        guard let bucket = config.s3.bucket else {
            throw ConfigError(key: "s3.bucket (LANGFUSE_S3_EVENT_UPLOAD_BUCKET)", "is not set: give it as Langfuse has it")
        }
        guard config.s3.endpoint != nil || config.s3.region.map({ $0 != "auto" }) == true else {
            throw ConfigError(key: "s3.endpoint (LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT)",
                              "is not set, nor an AWS region (LANGFUSE_S3_EVENT_UPLOAD_REGION)")
        }
        self.settings = config.s3
        self.bucket = bucket
        url = try Self.url(settings: config.s3, bucket: bucket)
        var options = HTTPClient.Options()
        options.maxResponseBytes = Self.maxResponseBytes
        let http = http ?? HTTPClient(options: options)
        self.http = http
        credentials = AWSCredentialProvider(source: try Self.credentials(config), http: http)
    }

    /// Langfuse's keys for the bucket; else AWS's (IRSA, Pod Identity, AWS_*), but only towards AWS or
    /// over https: a session token is a header, and a plain-http MinIO is not where AWS keys go.
    static func credentials(_ config: Configuration) throws -> AWSCredentialSource {
        if let key = config.s3.accessKeyID, let secret = config.s3.secretAccessKey {
            return .keys(accessKeyID: key, secretAccessKey: secret, sessionToken: nil)
        }
        let towardsAWS = config.s3.endpoint.map { URLComponents(string: $0)?.scheme?.lowercased() == "https" } ?? true
        guard towardsAWS, let source = AWSCredentialSource(config.cloudwatch) else {
            throw ConfigError(key: "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID", "no credentials for the event bucket: set it and "
                + "LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY"
                + (towardsAWS ? ", or " + AWSCredentialSource.choices : " (AWS keys go to https endpoints only)"))
        }
        return source
    }

    /// SigV4 needs a region; Langfuse's chart gives MinIO `auto`, which MinIO takes as it is.
    var region: String { Self.region(settings) }

    static func region(_ settings: EventBucketSettings) -> String { settings.region ?? "us-east-1" }

    /// The URL of the bucket's lifecycle configuration: path-style when asked, and where a virtual host
    /// cannot work (an IP address or localhost, a bucket with dots over https), as AWS's SDKs do.
    let url: String

    static func url(settings: EventBucketSettings, bucket: String) throws -> String {
        let endpoint = settings.endpoint ?? "https://s3.\(region(settings)).amazonaws.com"
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        guard var components = URLComponents(string: base), let host = components.host, !host.isEmpty else {
            throw ConfigError(key: "s3.endpoint (LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT)", "\"\(Redaction.endpoint(base))\" has no host")
        }
        let literal = host == "localhost" || host.contains(":")
            || host.split(separator: ".").allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        if settings.forcePathStyle || literal || (bucket.contains(".") && components.scheme == "https") {
            return "\(base)/\(bucket)?lifecycle="
        }
        components.host = "\(bucket).\(host)"
        guard let virtual = components.string else {
            throw ConfigError(key: "s3.endpoint (LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT)", "cannot put bucket \(bucket) in front of its host")
        }
        return virtual + "/?lifecycle="
    }

    /// The bucket's rules; none when it has no lifecycle configuration.
    func read() async throws -> LifecycleConfiguration {
        let response = try await send(.get, body: nil)
        if response.status == 404, AWSQuery.element("Code", in: response.bodyText) == "NoSuchLifecycleConfiguration" {
            return LifecycleConfiguration(rules: [])
        }
        guard response.status == 200 else { throw failure(response, action: "GetLifecycleConfiguration") }
        var configuration = try LifecycleConfiguration.parse(response.bodyText)
        if let size = response.header(Self.transitionSizeHeader) {
            guard LifecycleConfiguration.transitionSizes.contains(size) else {
                throw LifecycleConfiguration.Malformed(detail: "\(Self.transitionSizeHeader) is \"\(size.prefix(60))\"")
            }
            configuration.transitionDefaultMinimumObjectSize = size
        }
        return configuration
    }

    static let transitionSizeHeader = "x-amz-transition-default-minimum-object-size"

    func put(_ configuration: LifecycleConfiguration) async throws {
        let extra = configuration.transitionDefaultMinimumObjectSize.map { [(name: Self.transitionSizeHeader, value: $0)] } ?? []
        let response = try await send(.put, body: Data(configuration.xml.utf8), headers: extra)
        guard response.status == 200 else { throw failure(response, action: "PutLifecycleConfiguration") }
    }

    private func send(_ method: HTTPClientRequest.Method, body: Data?, headers extra: [(name: String, value: String)] = []) async throws
        -> HTTPClientResponse {
        let keys = try await credentials.credentials()
        let payload = [UInt8](body ?? Data())
        var headers = [(name: "x-amz-content-sha256", value: SHA256.hex(payload))] + extra
        if body != nil {
            headers += [("Content-Type", "application/xml"), ("Content-MD5", Data(MD5.digest(payload)).base64EncodedString())]
        }
        let signing = AWSSigV4(accessKeyID: keys.accessKeyID, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken,
                               region: region, service: "s3")
        let response = try await http.send(HTTPClientRequest(method: method, url: url, headers: headers, body: body, awsSigV4: signing))
        if AWSCredentialSource.refusesTheKeys(response.status, AWSQuery.element("Code", in: response.bodyText)) {
            await credentials.forget()
        }
        return response
    }

    private func failure(_ response: HTTPClientResponse, action: String) -> EventLifecycleError {
        let code = AWSQuery.element("Code", in: response.bodyText).map { "\($0): " } ?? ""
        let rights = response.status == 403 ? " (the keys need s3:\(action) on bucket \(bucket))" : ""
        return .store("the object store at \(Redaction.endpoint(url)) answered \(action) on bucket \(bucket) "
            + "with HTTP \(response.status)\(rights): "
            + code + AWSQuery.message(response.bodyText))
    }
}
