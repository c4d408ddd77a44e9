import Foundation
import Synchronization

/// The last line of defence for secrets: every secret value the process was given (each `Secret`,
/// each password inside a configured URL) is blanked out of every line lfmaint writes, whatever
/// printed it — a library's message, a server's error body that echoes the request, a report.
public enum SecretScrubber {
    private static let known = Mutex<[String]>([])
    private static let exempt = Mutex<Set<String>>(vocabulary)

    /// Words lfmaint prints itself. A password that is one of them (docker compose's `clickhouse`) or a
    /// configured name (the cluster, namespace, database, user) is not blanked: it would blank the
    /// report, and it is no secret from anyone who can read the report.
    static let vocabulary: Set<String> = [
        "clickhouse", "postgres", "postgresql", "redis", "langfuse", "default", "kubelet", "statfs", "traces", "observations",
        "scores", "events_full", "events_core", "unknown", "password", "secret",
    ]

    /// Names from the configuration that are printed on purpose: never blanked.
    public static func exempt(_ names: [String]) {
        exempt.withLock { $0.formUnion(names.map { $0.lowercased() }) }
    }

    /// Values shorter than this are too likely to be ordinary text to blank out everywhere.
    static let minimumLength = 6

    public static func register(_ value: String) {
        // Lines are scrubbed after JSON encoding, which escapes `"`, `\` and control characters.
        let forms = [value, value.removingPercentEncodingSafely, value.addingPercentEncodingForUserInfo, value.jsonEscaped]
            .compactMap { $0 }.filter { $0.count >= minimumLength }
        guard !forms.isEmpty else { return }
        known.withLock { known in
            for form in forms where !known.contains(form) { known.append(form) }
            known.sort { $0.count > $1.count }
        }
    }

    /// Registers the password part of a URL (well-formed or not).
    public static func register(passwordOf url: String) {
        for password in Redaction.passwords(in: url) { register(password) }
    }

    public static func scrub(_ text: String) -> String {
        let exempt = exempt.withLock { $0 }
        let values = known.withLock { $0 }.filter { !exempt.contains($0.lowercased()) }
        guard !values.isEmpty else { return text }
        return values.reduce(text) { $0.contains($1) ? $0.replacingOccurrences(of: $1, with: "***") : $0 }
    }
}

private extension String {
    var jsonEscaped: String? {
        guard let data = try? JSONSerialization.data(withJSONObject: [self], options: [.withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return nil }
        return String(text.dropFirst(2).dropLast(2))
    }

    var removingPercentEncodingSafely: String? { removingPercentEncoding }
    var addingPercentEncodingForUserInfo: String? { addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) }
}
