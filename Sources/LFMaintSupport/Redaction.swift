import Foundation

/// Makes URLs and messages safe to print: a password in the user part and secret-looking query
/// parameters become `***`, in well-formed URLs and in ones no parser would accept.
public enum Redaction {
    static let secretQueryKeys: Set<String> = ["password", "pass", "pwd", "key", "token", "secret", "x-amz-security-token", "x-amz-signature"]

    public static func url(_ text: String) -> String {
        guard var components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            return redactUserInfoByHand(text)
        }
        // percentEncodedPassword: `password` is nil for an escape that is not UTF-8 (%FF), and would be kept.
        if components.percentEncodedPassword != nil { components.percentEncodedPassword = "***" }
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

    /// `message` with every form of the URL's password (as written, and decoded) replaced by `***`:
    /// for a library's own error text, which may quote the connection string it was given.
    public static func scrub(_ message: String, passwordOf url: String) -> String {
        passwords(in: url).reduce(message) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    static func passwords(in url: String) -> [String] {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? url.firstIndex(of: ":").map { url[url.index(after: $0)...] } ?? url[...]
        // The user part ends at the last "@" before the query (an "@" in `?x=a@b` is not a password's).
        let authority = afterScheme.prefix { $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return [] }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return [] }
        let raw = String(userInfo[userInfo.index(after: colon)...])
        // Too short to search for without blanking ordinary words.
        return [raw, raw.removingPercentEncoding].compactMap { $0 }.filter { $0.count >= 3 }.sorted { $0.count > $1.count }
    }

    /// For strings URLComponents will not parse, or parses without a host (`http:/u:pw@h`): blank out
    /// everything between the scheme and the last `@`.
    private static func redactUserInfoByHand(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let start = text.range(of: "://")?.upperBound ?? text.firstIndex(of: ":").map { text.index(after: $0) } ?? text.startIndex
        guard start <= at else { return "***" + text[at...] }
        return text[..<start] + "***" + text[at...]
    }
}
