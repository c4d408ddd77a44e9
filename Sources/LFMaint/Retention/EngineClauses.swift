import Foundation
import LFMaintSupport

/// The TTL and SETTINGS clauses of a table's engine definition (`system.tables.engine_full`), found
/// at the top level so that column TTLs, quoted strings and function arguments are not mistaken for them.
struct EngineClauses: Sendable, Equatable {
    var ttl: String?
    var settings: [String: String]

    init(engineFull: String) {
        let clauses = Self.topLevelClauses(engineFull, keywords: ["TTL", "SETTINGS", "COMMENT"])
        ttl = clauses["TTL"]
        settings = [:]
        if let list = clauses["SETTINGS"] {
            for item in Self.splitTopLevel(list, on: ",") {
                let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2 { settings[pair[0]] = pair[1] }
            }
        }
    }

    /// Splits `text` at top-level ` KEYWORD ` boundaries; each keyword maps to the text up to the next one.
    static func topLevelClauses(_ text: String, keywords: Set<String>) -> [String: String] {
        var result: [String: String] = [:]
        var current: String?
        var start = text.startIndex
        for (index, word) in topLevelWords(text) where keywords.contains(word) {
            if let current { result[current] = text[start..<index].trimmingCharacters(in: .whitespaces) }
            current = word
            start = text.index(index, offsetBy: word.count)
        }
        if let current { result[current] = text[start...].trimmingCharacters(in: .whitespaces) }
        return result
    }

    /// The positions of the characters at depth 0 outside quotes (`'…'`, `` `…` ``, `"…"`, with
    /// backslash escapes): the one scanner both clause splitting and list splitting use.
    static func topLevelIndices(_ text: String) -> [String.Index] {
        var indices: [String.Index] = []
        var depth = 0
        var quote: Character?
        var escaped = false
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil }
            } else if character == "'" || character == "`" || character == "\"" {
                quote = character
            } else if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
            } else if depth == 0 {
                indices.append(index)
            }
        }
        return indices
    }

    /// Upper-case words standing alone at the top level, with their positions.
    private static func topLevelWords(_ text: String) -> [(String.Index, String)] {
        topLevelIndices(text).compactMap { index in
            guard text[index].isUppercase, index == text.startIndex || text[text.index(before: index)] == " " else { return nil }
            let end = text[index...].firstIndex { !$0.isUppercase && $0 != "_" } ?? text.endIndex
            guard end == text.endIndex || text[end] == " " else { return nil }
            return (index, String(text[index..<end]))
        }
    }

    static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var start = text.startIndex
        for index in topLevelIndices(text) where text[index] == separator {
            parts.append(text[start..<index].trimmingCharacters(in: .whitespaces))
            start = text.index(after: index)
        }
        let last = text[start...].trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { parts.append(last) }
        return parts
    }
}

/// A TTL that only deletes rows some days after one column: `col + toIntervalDay(N)` or
/// `toDateTime(col) + toIntervalDay(N)`, the forms lfmaint writes (as the server normalises them).
struct SimpleTTL: Sendable, Equatable {
    var column: String
    var days: Int

    init(column: String, days: Int) {
        self.column = column
        self.days = days
    }

    init?(_ clause: String) {
        var text = clause.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix(" DELETE") { text = String(text.dropLast(7)) }
        let sides = text.components(separatedBy: " + ")
        guard sides.count == 2, sides[1].hasPrefix("toIntervalDay("), sides[1].hasSuffix(")"),
              let days = Int(sides[1].dropFirst(14).dropLast()) else { return nil }
        var column = sides[0]
        if column.hasPrefix("toDateTime("), column.hasSuffix(")") { column = String(column.dropFirst(11).dropLast()) }
        column = column.trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        guard SQLIdentifier(column) != nil else { return nil }
        self.column = column
        self.days = days
    }
}
