import Foundation

/// Pretty, key-sorted JSON for `--output json` on stdout, in the layout Foundation's JSONSerialization
/// writes (two-space indent, `"key" : value`, an empty container on three lines), written here directly:
/// Foundation sorts keys through ICU collation, which took 60% of a 1,000-volume `lfmaint sample`.
/// Keys sort as ICU sorts identifiers: letters case-insensitively (lower case first on a tie), digit runs by value.
public enum JSONOutput {
    public static func encode(_ value: Any) -> String {
        var writer = Writer()
        writer.value(value, depth: 0)
        return writer.text + "\n"
    }

    /// The same text as `encode(items.map(transform))`, built one element at a time so that only one
    /// element's objects are alive at once.
    static func encodeArray<Items: Sequence>(_ items: Items, _ transform: (Items.Element) -> Any) -> String {
        var writer = Writer()
        writer.text = "["
        var first = true
        for item in items {
            writer.text += first ? "\n  " : ",\n  "
            first = false
            writer.value(transform(item), depth: 1)
        }
        writer.text += first ? "\n\n]\n" : "\n]\n"
        return writer.text
    }

    struct Writer {
        var text = ""

        mutating func value(_ value: Any, depth: Int) {
            // The types reports build, told apart by identity: a failed `as?` looks for bridges first.
            switch ObjectIdentifier(type(of: value)) {
            case ObjectIdentifier(String.self): return string(value as! String)
            case ObjectIdentifier(Int64.self): text += String(value as! Int64); return
            case ObjectIdentifier(Int.self): text += String(value as! Int); return
            case ObjectIdentifier(Double.self): return double(value as! Double)
            case ObjectIdentifier(Bool.self): text += (value as! Bool) ? "true" : "false"; return
            case ObjectIdentifier(NSNull.self): text += "null"; return
            case ObjectIdentifier([String: Any].self): return object(value as! [String: Any], depth: depth)
            case ObjectIdentifier([Any].self): return array(value as! [Any], depth: depth)
            default: break
            }
            // Anything else: a container of a narrower type, an Optional, or a scalar Foundation knows (an
            // NSNumber from parsed JSON, Int32, UInt64…), which Foundation writes.
            let mirror = Mirror(reflecting: value)
            if let object = value as? [String: Any] {
                self.object(object, depth: depth)
            } else if let array = value as? [Any] {
                self.array(array, depth: depth)
            } else if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first?.value { self.value(wrapped, depth: depth) } else { text += "null" }
            } else {
                foundation(value)
            }
        }

        private mutating func object(_ object: [String: Any], depth: Int) {
            guard !object.isEmpty else { return empty("{", "}", depth: depth) }
            text += "{"
            for (index, key) in JSONOutput.sortedKeys(object.keys).enumerated() {
                text += index == 0 ? "\n" : ",\n"
                indent(depth + 1)
                string(key)
                text += " : "
                value(object[key]!, depth: depth + 1)
            }
            text += "\n"
            indent(depth)
            text += "}"
        }

        private mutating func array(_ array: [Any], depth: Int) {
            guard !array.isEmpty else { return empty("[", "]", depth: depth) }
            text += "["
            for (index, element) in array.enumerated() {
                text += index == 0 ? "\n" : ",\n"
                indent(depth + 1)
                value(element, depth: depth + 1)
            }
            text += "\n"
            indent(depth)
            text += "]"
        }

        private mutating func empty(_ open: String, _ close: String, depth: Int) {
            text += open + "\n\n"
            indent(depth)
            text += close
        }

        private static let indents = (0..<16).map { String(repeating: "  ", count: $0) }

        private mutating func indent(_ depth: Int) {
            text += depth < Self.indents.count ? Self.indents[depth] : String(repeating: "  ", count: depth)
        }

        /// As Foundation writes a double: its shortest text, without a trailing ".0". Foundation refuses a
        /// value that is not finite; here it is null.
        private mutating func double(_ number: Double) {
            guard number.isFinite else { text += "null"; return }
            let written = number.description
            text += written.hasSuffix(".0") ? String(written.dropLast(2)) : written
        }

        private mutating func string(_ string: String) {
            text += "\""
            guard string.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                text += string
                text += "\""
                return
            }
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case "\u{08}": text += "\\b"
                case "\u{0C}": text += "\\f"
                case _ where scalar.value < 0x20:
                    text += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        }

        /// A value of a type reports do not build: Foundation's own text for it.
        private mutating func foundation(_ value: Any) {
            guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes]) else {
                text += "null"
                return
            }
            text += String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
    }

    /// ICU's order for identifier-like keys: ASCII letters without case, runs of digits by value, then
    /// case (`caseOrder`).
    static func sortedKeys<Keys: Sequence<String>>(_ keys: Keys) -> [String] {
        keys.map { (collationKey($0), $0) }
            .sorted { $0.0 != $1.0 ? $0.0.lexicographicallyPrecedes($1.0) : caseOrder($0.1, $1.1) }
            .map(\.1)
    }

    /// Keys equal but for case: at the first letter that differs, the lower-case one first; else by bytes.
    private static func caseOrder(_ left: String, _ right: String) -> Bool {
        for (a, b) in zip(left.utf8, right.utf8) where a != b {
            let letters = (0x41...0x5A).contains(a & 0xDF) && (0x41...0x5A).contains(b & 0xDF)
            return letters && a | 0x20 == b | 0x20 ? a > b : a < b
        }
        return left.utf8.count < right.utf8.count
    }

    /// Punctuation before digits before letters, as collation puts them; letters lower-cased; a run of
    /// digits as its value (its length first, then its digits, leading zeros dropped).
    static func collationKey(_ key: String) -> [UInt16] {
        var result: [UInt16] = []
        result.reserveCapacity(key.utf8.count)
        var digits: [UInt8] = []
        func flushDigits() {
            guard !digits.isEmpty else { return }
            let value = digits.drop { $0 == 0x30 }
            let run = value.isEmpty ? [0x30] : Array(value)
            result.append(0x200 + UInt16(min(run.count, 0xFF)))
            result += run.map { UInt16($0) + 0x80 }
            digits.removeAll(keepingCapacity: true)
        }
        for byte in key.utf8 {
            if (0x30...0x39).contains(byte) { digits.append(byte); continue }
            flushDigits()
            switch byte {
            case 0x41...0x5A: result.append(UInt16(byte + 0x20) + 0x300)
            case 0x61...0x7A: result.append(UInt16(byte) + 0x300)
            default: result.append(UInt16(byte))
            }
        }
        flushDigits()
        return result
    }
}
