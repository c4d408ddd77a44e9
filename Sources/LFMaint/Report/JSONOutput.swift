import Foundation

/// Pretty, key-sorted JSON for `--output json` on stdout, in the layout Foundation's JSONSerialization
/// writes (two-space indent, `"key" : value`, an empty container on three lines), written here directly:
/// Foundation sorts keys through ICU collation, which took 60% of a 1,000-volume `lfmaint sample`.
/// Keys sort as ICU sorts identifiers: letters case-insensitively, digit runs by value, then by bytes.
public enum JSONOutput {
    public static func encode(_ value: Any) -> String {
        var writer = Writer()
        writer.value(value, depth: 0)
        return writer.text + "\n"
    }

    /// The same text as `encode(items.map(transform))`, built one element at a time so that only one
    /// element's objects are alive at once.
    public static func encodeArray<Items: Sequence>(_ items: Items, _ transform: (Items.Element) -> Any) -> String {
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
            // An NSNumber (parsed JSON) would also cast to Int below, and lose whether it was a Bool.
            if type(of: value) is NSNumber.Type { return foundation(value) }
            switch value {
            case let string as String:
                self.string(string)
            case let flag as Bool:
                text += flag ? "true" : "false"
            case let number as Int:
                text += String(number)
            case let number as Int64:
                text += String(number)
            case let number as Int32:
                text += String(number)
            case let number as UInt64:
                text += String(number)
            case let number as UInt32:
                text += String(number)
            case let number as Double:
                double(number)
            case let object as [String: Any]:
                self.object(object, depth: depth)
            case let array as [Any]:
                self.array(array, depth: depth)
            case is NSNull:
                text += "null"
            default:
                let mirror = Mirror(reflecting: value)
                if mirror.displayStyle == .optional, mirror.children.isEmpty { text += "null" } else { foundation(value) }
            }
        }

        private mutating func object(_ object: [String: Any], depth: Int) {
            guard !object.isEmpty else { return empty("{", "}", depth: depth) }
            text += "{"
            for (index, key) in object.keys.sorted(by: JSONOutput.keyOrder).enumerated() {
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

        private mutating func indent(_ depth: Int) {
            text += String(repeating: "  ", count: depth)
        }

        /// As Foundation writes a double: its shortest text, without a trailing ".0"; null when not finite.
        private mutating func double(_ number: Double) {
            guard number.isFinite else { text += "null"; return }
            let written = number.description
            text += written.hasSuffix(".0") ? String(written.dropLast(2)) : written
        }

        private mutating func string(_ string: String) {
            text += "\""
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

    /// ICU's order for identifier-like keys: ASCII letters without case, runs of digits by value, the
    /// bytes when nothing else tells them apart.
    static func keyOrder(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if isDigit(a[i]), isDigit(b[j]) {
                let (x, nextI) = digits(a, from: i), (y, nextJ) = digits(b, from: j)
                if x != y { return x < y }
                (i, j) = (nextI, nextJ)
                continue
            }
            let x = folded(a[i]), y = folded(b[j])
            if x != y { return x < y }
            i += 1
            j += 1
        }
        if (a.count - i) != (b.count - j) { return (a.count - i) < (b.count - j) }
        return left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// A run of digits as a number (leading zeros dropped, compared by length then text).
    private static func digits(_ bytes: [UInt8], from start: Int) -> (String, Int) {
        var end = start
        while end < bytes.count, isDigit(bytes[end]) { end += 1 }
        var first = start
        while first < end - 1, bytes[first] == 0x30 { first += 1 }
        let run = String(decoding: bytes[first..<end], as: UTF8.self)
        return (String(repeating: "0", count: max(0, 20 - run.count)) + run, end)
    }

    /// Lower-cased ASCII letters; punctuation before digits before letters, as collation puts them.
    private static func folded(_ byte: UInt8) -> UInt16 {
        switch byte {
        case 0x41...0x5A: UInt16(byte + 0x20) + 0x100
        case 0x61...0x7A: UInt16(byte) + 0x100
        case 0x30...0x39: UInt16(byte) + 0x80
        default: UInt16(byte)
        }
    }
}
