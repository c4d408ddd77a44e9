/// Values written as ClickHouse literals for query parameters (`param_x=...`), never into SQL text.
public enum ClickHouseLiteral {
    /// `['a','b']`, with quotes and backslashes escaped.
    public static func stringArray(_ values: [String]) -> String {
        "[" + values.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }
            .joined(separator: ",") + "]"
    }
}
