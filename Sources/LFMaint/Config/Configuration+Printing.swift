import LFMaintSupport

/// A configuration holds passwords, tokens and URLs with credentials: printed or dumped, at any log
/// level, by lfmaint or by a library that logs what it was given, it shows none of them.
extension Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "Configuration(cluster: \(clusterName), clickhouse: \(Redaction.endpoint(clickhouse.url)), volumes: \(volumes.map(\.name)))"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
