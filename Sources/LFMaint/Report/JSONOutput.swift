import Foundation

/// Pretty, key-sorted JSON for `--output json` on stdout.
public enum JSONOutput {
    public static func encode(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "[]"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
