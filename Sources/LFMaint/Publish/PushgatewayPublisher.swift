import Foundation
import LFMaintEdges
import LFMaintSupport

/// Pushes the exposition to a Prometheus Pushgateway (for the CronJob, which is gone before a scrape):
/// `PUT <url>/metrics/job/lfmaint/cluster/<cluster>`, replacing the group's previous push.
public struct PushgatewayPublisher: Publisher {
    static let name = "pushgateway"

    let url: String
    let cluster: String
    let http: HTTPClient

    public init(url: String, cluster: String, http: HTTPClient = HTTPClient()) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.cluster = cluster
        self.http = http
    }

    init?(config: Configuration, connections: PublishConnections) {
        guard let url = config.pushgatewayURL else { return nil }
        self.init(url: url, cluster: config.clusterName, http: connections.http)
    }

    static func missing(in config: Configuration) -> ConfigError? {
        config.pushgatewayURL == nil ? ConfigError(key: "pushgateway.url", "is required to publish to a Pushgateway") : nil
    }

    func publish(_ run: SampleRun, exposition: () -> String) async throws {
        try await publish(exposition())
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

extension PublishTarget {
    static var pushgateway: Self { Self(PushgatewayPublisher.self) }
}
