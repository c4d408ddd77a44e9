/// Values written as ClickHouse literals for query parameters (`param_x=...`), never into SQL text.
public enum ClickHouseLiteral {
    /// `['a','b']`, with quotes and backslashes escaped.
    public static func stringArray(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ",") + "]"
    }

    /// `'a'`, with quotes and backslashes escaped: also for statements lfmaint prints for an operator to run.
    public static func string(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
