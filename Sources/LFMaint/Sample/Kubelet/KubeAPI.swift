import Foundation
import LFMaintEdges
import LFMaintSupport

enum KubeletError: Error, Equatable, CustomStringConvertible {
    case notInCluster
    case token(path: String, detail: String)
    case http(url: String, status: Int, reason: String)
    case decoding(url: String, detail: String)

    var description: String {
        switch self {
        case .notInCluster:
            "no Kubernetes API server: set kubelet.apiServer, or run in a pod (KUBERNETES_SERVICE_HOST)"
        case let .token(path, detail):
            "cannot read the service account token \(path): \(detail)"
        case let .http(url, status, reason):
            "\(url) answered \(status): \(reason)"
        case let .decoding(url, detail):
            "cannot read the answer of \(url): \(detail)"
        }
    }
}

/// GETs against the API server (and, for the direct route, each kubelet) with the service account's
/// bearer token, decoded as JSON. The token is read at every sampling run: Kubernetes rotates it.
struct KubeAPI: Sendable {
    let http: HTTPClient
    let apiServer: String
    let token: Secret

    init(settings: KubeletSettings, http: HTTPClient) throws {
        guard let server = settings.apiServer else { throw KubeletError.notInCluster }
        apiServer = server.hasSuffix("/") ? String(server.dropLast()) : server
        do {
            token = Secret(try String(contentsOfFile: settings.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw KubeletError.token(path: settings.tokenFile, detail: ConfigurationLoader.describe(error))
        }
        self.http = http
    }

    /// The client for the API server and the kubelets, kept across runs so connections are reused.
    static func client(_ settings: KubeletSettings) -> HTTPClient {
        var options = HTTPClient.Options()
        if let ca = settings.caFile, FileManager.default.fileExists(atPath: ca) { options.caFile = ca }
        options.timeoutSeconds = settings.timeoutSeconds
        return HTTPClient(options: options)
    }

    /// The bearer token and JSON, with `Content-Type` for a request that has a body.
    func headers(contentType: String? = nil) -> [(name: String, value: String)] {
        [("Authorization", "Bearer \(token.reveal())"), ("Accept", "application/json")] + (contentType.map { [("Content-Type", $0)] } ?? [])
    }

    func get<T: Decodable>(_ url: String, as type: T.Type) async throws -> T {
        try await get(url) { try JSONDecoder().decode(T.self, from: $0) }
    }

    /// The body of a 200 answer, read by `read`; anything else is an error naming the URL.
    func get<T>(_ url: String, read: (Data) throws -> T) async throws -> T {
        let response = try await http.send(HTTPClientRequest(url: url, headers: headers()))
        guard response.status == 200 else {
            throw KubeletError.http(url: Redaction.url(url), status: response.status, reason: KubeStatus.describe(response))
        }
        do {
            return try read(response.body)
        } catch {
            throw KubeletError.decoding(url: Redaction.url(url), detail: String(describing: error))
        }
    }
}
