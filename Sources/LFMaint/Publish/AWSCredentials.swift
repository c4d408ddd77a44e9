import Foundation
import LFMaintEdges
import LFMaintSupport

/// Keys that sign AWS requests, and when they stop working (nil: never).
struct AWSCredentials: Sendable {
    let accessKeyID: String
    let secretAccessKey: Secret
    let sessionToken: Secret?
    let expiration: Date?
}

/// Where CloudWatch's credentials come from, in the AWS SDKs' order: keys in the environment, then
/// a web identity token (IRSA on EKS), then a container credentials endpoint (EKS Pod Identity; ECS's
/// relative URI on 169.254.170.2).
enum AWSCredentialSource: Sendable, Equatable {
    case keys(accessKeyID: String, secretAccessKey: Secret, sessionToken: Secret?)
    case webIdentity(roleARN: String, tokenFile: String, sessionName: String, stsEndpoint: String)
    case container(url: String, authorizationTokenFile: String?, authorizationToken: Secret?)

    init?(_ settings: CloudWatchSettings) {
        if let key = settings.accessKeyID, let secret = settings.secretAccessKey {
            self = .keys(accessKeyID: key, secretAccessKey: secret, sessionToken: settings.sessionToken)
        } else if let role = settings.roleARN, let tokenFile = settings.webIdentityTokenFile,
                  let endpoint = settings.stsEndpoint ?? settings.region.map({ "https://sts.\($0).amazonaws.com/" }) {
            self = .webIdentity(roleARN: role, tokenFile: tokenFile, sessionName: settings.roleSessionName ?? "lfmaint", stsEndpoint: endpoint)
        } else if let url = settings.containerCredentialsURL {
            self = .container(url: url, authorizationTokenFile: settings.containerAuthorizationTokenFile,
                              authorizationToken: settings.containerAuthorizationToken)
        } else {
            return nil
        }
    }

    /// AWS's answers that mean "these keys are no good" (expired, revoked, malformed), not throttling or bad data.
    static func refusesTheKeys(_ status: Int, _ code: String?) -> Bool {
        status == 403 || (status == 400 && ["ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
                                            "IncompleteSignature", "SignatureDoesNotMatch"].contains(code ?? ""))
    }

    static let choices = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (IRSA), "
        + "or AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity)"
}

/// Fetches temporary credentials when needed and keeps them until five minutes before they expire;
/// the token files are read again at every fetch, as Kubernetes rotates them.
actor AWSCredentialProvider {
    let source: AWSCredentialSource
    let http: HTTPClient
    private var cached: AWSCredentials?

    init(source: AWSCredentialSource, http: HTTPClient) {
        self.source = source
        self.http = http
    }

    private var fetchedAt = Date.distantPast

    func credentials(now: Date = Date()) async throws -> AWSCredentials {
        if let cached, isFresh(cached, now: now) { return cached }
        let fresh: AWSCredentials
        switch source {
        case let .keys(key, secret, token):
            fresh = AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: nil)
        case let .webIdentity(role, tokenFile, sessionName, endpoint):
            fresh = try await WebIdentityCredentials.fetch(roleARN: role, tokenFile: tokenFile, sessionName: sessionName, endpoint: endpoint, http: http)
        case let .container(url, tokenFile, token):
            fresh = try await ContainerCredentials.fetch(url: url, authorizationTokenFile: tokenFile, authorizationToken: token, http: http)
        }
        cached = fresh
        fetchedAt = now
        return fresh
    }

    /// After AWS refused the keys (expired, revoked): the next call fetches new ones.
    func forget() {
        cached = nil
    }

    /// Keys from the environment never expire here; temporary keys without an expiry are kept 10 minutes.
    private func isFresh(_ keys: AWSCredentials, now: Date) -> Bool {
        if let expiration = keys.expiration { return expiration.timeIntervalSince(now) > 300 }
        if case .keys = source { return true }
        return now.timeIntervalSince(fetchedAt) < 600
    }
}

enum AWSCredentialFile {
    /// A token file's content; the error names the file and never shows what it holds.
    static func read(_ path: String, variable: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw PublishError.credentials("cannot read \(path) (\(variable))")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw PublishError.credentials("\(path) (\(variable)) is empty") }
        return token
    }

    /// AWS's timestamps, with or without fractional seconds.
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
