import Foundation
import LFMaintEdges
import LFMaintSupport

/// Pushes the exposition to a Prometheus Pushgateway (for the CronJob, which is gone before a scrape):
/// `PUT <url>/metrics/job/lfmaint/cluster/<cluster>`, replacing the group's previous push.
public struct PushgatewayPublisher: Sendable {
    let url: String
    let cluster: String
    let http: HTTPClient

    public init(url: String, cluster: String, http: HTTPClient = HTTPClient()) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.cluster = cluster
        self.http = http
    }

    var groupURL: String {
        "\(url)/metrics/job/lfmaint/cluster/\(cluster.urlQueryValueEncoded)"
    }

    public func publish(_ exposition: String) async throws {
        let response = try await http.send(HTTPClientRequest(
            method: .put, url: groupURL, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Data(exposition.utf8)))
        guard (200..<300).contains(response.status) else {
            throw PublishError.rejected(target: "Pushgateway at \(Redaction.url(url))", status: response.status, detail: response.bodySummary())
        }
    }
}
