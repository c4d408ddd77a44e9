/// A configuration problem, said in one line that names the key (or environment variable) at fault.
/// lfmaint exits 2 on it.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    var key: String
    var message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "config error: \(key): \(message)" }
}
