import Foundation
import LFMaintSupport

/// One HTTP request as lfmaint sends it. Named apart from FlyingFox's `HTTPRequest`.
public struct HTTPClientRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH"
    }

    var method: Method
    var url: String
    var headers: [(name: String, value: String)]
    var body: Data?
    var basicAuth: BasicAuth?
    var awsSigV4: AWSSigV4?
    /// How errors name the URL when even its path is a secret (a webhook's token); default: the URL
    /// without its password and query.
    var printableURL: String?

    public init(
        method: Method = .get, url: String, headers: [(name: String, value: String)] = [],
        body: Data? = nil, basicAuth: BasicAuth? = nil, awsSigV4: AWSSigV4? = nil, printableURL: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.basicAuth = basicAuth
        self.awsSigV4 = awsSigV4
        self.printableURL = printableURL
    }
}

public struct BasicAuth: Sendable {
    var user: String
    var password: Secret
    public init(user: String, password: Secret) {
        self.user = user
        self.password = password
        // A server that quotes the request quotes its Authorization header: that form is a secret too.
        if !password.isEmpty { SecretScrubber.register(Data("\(user):\(password.reveal())".utf8).base64EncodedString()) }
    }
}

/// Signs the request with curl's built-in AWS Signature Version 4 (`CURLOPT_AWS_SIGV4`).
public struct AWSSigV4: Sendable {
    var accessKeyID: String
    var secretAccessKey: Secret
    var sessionToken: Secret?
    var region: String
    var service: String

    public init(accessKeyID: String, secretAccessKey: Secret, sessionToken: Secret? = nil, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The value curl expects: `aws:amz:<region>:<service>`.
    var curlProvider: String { "aws:amz:\(region):\(service)" }
}

public struct HTTPClientResponse: Sendable {
    public var status: Int
    var headers: [(name: String, value: String)]
    public var body: Data

    /// The first header of that name, compared without case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
