import Foundation
import LFMaintEdges
import LFMaintSupport
import Logging

/// Posts the agent's notable events as JSON to a webhook: `text` makes it a Slack message, the other
/// keys are for programs. A failed post is logged and never stops the agent. The URL (which usually
/// holds a token) is never logged.
public struct WebhookNotifier: Sendable {
    let url: Secret?
    let cluster: String
    private let http = HTTPClient(options: { var options = HTTPClient.Options(); options.timeoutSeconds = 10; return options }())
    private let logger = Logger(label: "lfmaint.webhook")

    public init(url: Secret?, cluster: String) {
        self.url = url
        self.cluster = cluster
    }

    public func notify(_ event: WebhookEvent, volume: String, text: String, details: [String: String] = [:], timeoutSeconds: Double = 10) async {
        guard let url else { return }
        var body: [String: String] = details
        body["event"] = event.rawValue
        body["volume"] = volume
        body["cluster"] = cluster
        body["text"] = "lfmaint [\(cluster)] \(volume): \(text)"
        do {
            let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            let response = try await http.send(HTTPClientRequest(
                method: .post, url: url.reveal(), headers: [("Content-Type", "application/json")], body: data,
                printableURL: "the webhook at \(URLComponents(string: url.reveal())?.host ?? "?")"), timeoutSeconds: timeoutSeconds)
            if !(200..<300).contains(response.status) {
                logger.warning("webhook refused the notification", metadata: ["event": "\(event)", "status": "\(response.status)"])
            }
        } catch {
            logger.warning("webhook unreachable", metadata: ["event": "\(event)", "error": "\(error)"])
        }
    }
}
