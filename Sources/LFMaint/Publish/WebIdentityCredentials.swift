import Foundation
import LFMaintEdges
import LFMaintSupport

/// IRSA: trades the service account's projected token for temporary keys with STS
/// `AssumeRoleWithWebIdentity`, a call that is not itself signed.
enum WebIdentityCredentials {
    static func fetch(roleARN: String, tokenFile: String, sessionName: String, endpoint: String, http: HTTPClient) async throws -> AWSCredentials {
        let token = try AWSCredentialFile.read(tokenFile, variable: "AWS_WEB_IDENTITY_TOKEN_FILE")
        let body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&DurationSeconds=3600"
            + "&RoleArn=\(roleARN.urlQueryValueEncoded)&RoleSessionName=\(sessionName.urlQueryValueEncoded)&WebIdentityToken=\(token.urlQueryValueEncoded)"
        let response = try await http.send(HTTPClientRequest(
            method: .post, url: endpoint, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Data(body.utf8)))
        let xml = response.bodyText
        guard response.status == 200 else {
            throw PublishError.rejected(target: "STS at \(endpoint) (assuming \(roleARN))", status: response.status, detail: AWSQuery.message(xml))
        }
        guard let key = AWSQuery.element("AccessKeyId", in: xml), let secret = AWSQuery.element("SecretAccessKey", in: xml),
              let session = AWSQuery.element("SessionToken", in: xml) else {
            throw PublishError.credentials("STS at \(endpoint) answered without credentials")
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: Secret(secret), sessionToken: Secret(session),
                              expiration: AWSCredentialFile.date(AWSQuery.element("Expiration", in: xml)))
    }
}
