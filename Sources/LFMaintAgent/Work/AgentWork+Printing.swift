/// Holds the configuration: printed or dumped, it shows what `Configuration` shows, no secret.
extension AgentWork: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "AgentWork(\(config))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
