import Foundation

/// A server's words as lfmaint repeats them (errors, logs, webhooks, reports): one line, without control
/// characters, at most `limit` characters.
public enum ServerText {
    public static func oneLine(_ text: String, limit: Int) -> String {
        let words = text.unicodeScalars.split { CharacterSet.whitespacesAndNewlines.contains($0) || CharacterSet.controlCharacters.contains($0) }
        let line = words.map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }
}
