import Foundation

/// GetBucketLifecycleConfiguration and PutBucketLifecycleConfiguration on Langfuse's event bucket,
/// signed by libcurl's SigV4 (service `s3`), path-style or virtual-hosted as Langfuse reaches it.
/// curl 7.88 signs `?lifecycle` without its `=` and sends no `x-amz-content-sha256` (S3 and MinIO
/// require both): the URL carries `lifecycle=` and the header is added here, with the Content-MD5 a
/// lifecycle PUT needs.
public struct S3LifecycleClient: Sendable {
    public let settings: EventBucketSettings
    public let bucket: String
    let http: HTTPClient
    let credentials: AWSCredentialProvider

    /// A lifecycle document holds at most 1,000 rules: 2 MiB is more than any store sends.
    static let maxResponseBytes = 2 << 20

    public init(config: Configuration, http: HTTPClient? = nil) throws {
        guard let bucket = config.s3.bucket else {
            throw ConfigError(key: "s3.bucket (LANGFUSE_S3_EVENT_UPLOAD_BUCKET)", "is not set: give it as Langfuse has it")
        }
        let source = config.s3.accessKeyID.flatMap { key in
            config.s3.secretAccessKey.map { AWSCredentialSource.keys(accessKeyID: key, secretAccessKey: $0, sessionToken: nil) }
        } ?? AWSCredentialSource(config.cloudwatch)
        guard let source else {
            throw ConfigError(key: "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID", "no credentials for the event bucket: set it and "
                + "LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY, or " + AWSCredentialSource.choices)
        }
        guard config.s3.endpoint != nil || config.s3.region.map({ $0 != "auto" }) == true else {
            throw ConfigError(key: "s3.endpoint (LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT)", "is not set, nor an AWS region (LANGFUSE_S3_EVENT_UPLOAD_REGION)")
        }
        var options = HTTPClient.Options()
        options.maxResponseBytes = Self.maxResponseBytes
        let http = http ?? HTTPClient(options: options)
        self.settings = config.s3
        self.bucket = bucket
        self.http = http
        self.credentials = AWSCredentialProvider(source: source, http: http)
    }

    /// SigV4 needs a region; Langfuse's chart gives MinIO `auto`, which MinIO takes as it is.
    var region: String { settings.region ?? "us-east-1" }

    public var url: String {
        let endpoint = settings.endpoint ?? "https://s3.\(region).amazonaws.com"
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        guard !settings.forcePathStyle, var components = URLComponents(string: base), let host = components.host else {
            return "\(base)/\(bucket)?lifecycle="
        }
        components.host = "\(bucket).\(host)"
        return (components.string ?? base) + "/?lifecycle="
    }

    /// The bucket's rules; none when it has no lifecycle configuration.
    public func read() async throws -> LifecycleConfiguration {
        let response = try await send(.get, body: nil)
        if response.status == 404, AWSQuery.element("Code", in: response.bodyText) == "NoSuchLifecycleConfiguration" {
            return LifecycleConfiguration(rules: [])
        }
        guard response.status == 200 else { throw failure(response, action: "GetLifecycleConfiguration") }
        return try LifecycleConfiguration.parse(response.bodyText)
    }

    public func put(_ configuration: LifecycleConfiguration) async throws {
        let response = try await send(.put, body: Data(configuration.xml.utf8))
        guard response.status == 200 else { throw failure(response, action: "PutLifecycleConfiguration") }
    }

    private func send(_ method: HTTPClientRequest.Method, body: Data?) async throws -> HTTPClientResponse {
        let keys = try await credentials.credentials()
        let payload = [UInt8](body ?? Data())
        var headers = [(name: "x-amz-content-sha256", value: SHA256.hex(payload))]
        if body != nil {
            headers += [("Content-Type", "application/xml"), ("Content-MD5", Data(MD5.digest(payload)).base64EncodedString())]
        }
        let signing = AWSSigV4(accessKeyID: keys.accessKeyID, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken,
                               region: region, service: "s3")
        let response = try await http.send(HTTPClientRequest(method: method, url: url, headers: headers, body: body, awsSigV4: signing))
        if CloudWatchPublisher.refusesTheKeys(response.status, AWSQuery.element("Code", in: response.bodyText)) { await credentials.forget() }
        return response
    }

    private func failure(_ response: HTTPClientResponse, action: String) -> EventLifecycleError {
        let code = AWSQuery.element("Code", in: response.bodyText).map { "\($0): " } ?? ""
        let rights = response.status == 403 ? " (the keys need s3:\(action) on bucket \(bucket))" : ""
        return .store("the object store at \(Redaction.endpoint(url)) answered \(action) on bucket \(bucket) with HTTP \(response.status)\(rights): "
            + code + AWSQuery.message(response.bodyText))
    }
}
