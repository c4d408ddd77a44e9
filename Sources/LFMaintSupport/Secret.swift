/// A value that must never reach a log line or an error message. Printing it shows `***`;
/// only `reveal()` gives the text, at the one place that sends it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) {
        self.value = value
        SecretScrubber.register(value)
        SecretScrubber.register(passwordOf: value)
    }

    public func reveal() -> String { value }
    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "***" }
    public var debugDescription: String { "***" }
}
