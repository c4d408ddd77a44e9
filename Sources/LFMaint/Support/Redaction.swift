import Foundation

/// Makes URLs safe to print: a password in the user part and secret-looking query parameters
/// become `***`.
public enum Redaction {
    static let secretQueryKeys: Set<String> = ["password", "pass", "pwd", "key", "token", "secret", "x-amz-security-token", "x-amz-signature"]

    public static func url(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return redactUserInfoByHand(text) }
        if components.password != nil { components.password = "***" }
        if let items = components.queryItems {
            components.queryItems = items.map { item in
                secretQueryKeys.contains(item.name.lowercased()) ? URLQueryItem(name: item.name, value: "***") : item
            }
        }
        return components.string ?? redactUserInfoByHand(text)
    }

    /// The URL for messages about reaching it: redacted, without its query string (which for
    /// ClickHouse holds settings and parameters, not where the server is).
    public static func endpoint(_ text: String) -> String {
        let redacted = url(text)
        guard let question = redacted.firstIndex(of: "?") else { return redacted }
        return String(redacted[..<question])
    }

    /// For strings URLComponents will not parse: blank out everything between `://user:` and `@`.
    private static func redactUserInfoByHand(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"),
              let at = text[schemeEnd.upperBound...].firstIndex(of: "@") else { return text }
        let userInfo = text[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return text[..<colon] + ":***" + text[at...]
    }
}
