import Foundation

/// Pretty, key-sorted JSON for `--output json` on stdout.
public enum JSONOutput {
    public static func encode(_ value: Any) -> String {
        render(value) + "\n"
    }

    /// The same text as `encode(items.map(transform))`, built one element at a time so that only one
    /// element's objects are alive at once (1,000 volumes as one Foundation tree cost ~5 MB).
    public static func encodeArray<Items: Sequence>(_ items: Items, _ transform: (Items.Element) -> Any) -> String {
        var text = ""
        for item in items {
            text += text.isEmpty ? "[\n" : ",\n"
            text += render(transform(item)).split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        return text.isEmpty ? "[\n\n]\n" : text + "\n]\n"
    }

    private static func render(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "[]"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
