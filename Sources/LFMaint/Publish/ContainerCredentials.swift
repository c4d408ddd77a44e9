import Foundation
import LFMaintEdges
import LFMaintSupport

/// EKS Pod Identity (and ECS): a GET on the agent's endpoint, authorised by the pod's token.
enum ContainerCredentials {
    struct Response: Decodable {
        let AccessKeyId: String
        let SecretAccessKey: String
        let Token: String?
        let Expiration: String?
    }

    static func fetch(url: String, authorizationTokenFile: String?, authorizationToken: Secret?, http: HTTPClient) async throws -> AWSCredentials {
        var headers: [(String, String)] = []
        if let file = authorizationTokenFile {
            headers.append(("Authorization", try AWSCredentialFile.read(file, variable: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")))
        } else if let token = authorizationToken {
            headers.append(("Authorization", token.reveal()))
        }
        let response = try await http.send(HTTPClientRequest(method: .get, url: url, headers: headers))
        guard response.status == 200 else {
            throw PublishError.rejected(target: "the container credentials endpoint \(url)", status: response.status, detail: response.bodySummary())
        }
        guard let body = try? JSONDecoder().decode(Response.self, from: response.body) else {
            throw PublishError.credentials("the container credentials endpoint \(url) answered without credentials")
        }
        return AWSCredentials(accessKeyID: body.AccessKeyId, secretAccessKey: Secret(body.SecretAccessKey), sessionToken: body.Token.map(Secret.init),
                              expiration: AWSCredentialFile.date(body.Expiration))
    }
}
