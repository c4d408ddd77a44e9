import LFMaintEdges
import LFMaintSupport

/// Where a sampling run goes, named in `publish:`. A publisher is one file (what it needs configured, how it
/// sends) and one line in `Publishers.all`; `SamplePublisher` runs every configured one and reports failures.
protocol Publisher: Sendable {
    /// The word in `publish:` and `--publish`.
    static var name: String { get }
    /// What the configuration lacks for this publisher, checked when it is read.
    static func missing(in config: Configuration) -> ConfigError?
    /// nil: what it needs is not configured.
    init?(config: Configuration, connections: PublishConnections)
    /// `exposition`: the Prometheus text to push, rendered only when a publisher asks for it.
    func publish(_ run: SampleRun, exposition: () -> String) async throws
}

/// Kept across publishes (the agent's): connections, TLS sessions and temporary AWS keys are reused.
struct PublishConnections: Sendable {
    let http: HTTPClient
    let credentials: AWSCredentialProvider?
}

enum Publishers: Registry {
    /// In the order messages name them.
    static let all: [any Publisher.Type] = [
        CloudWatchPublisher.self,
        PushgatewayPublisher.self,
    ]

    static func name(of kind: any Publisher.Type) -> String { kind.name }
}
