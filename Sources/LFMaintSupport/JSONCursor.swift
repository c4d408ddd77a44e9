import Foundation

/// A forward-only reader over JSON bytes (RFC 8259) for a document read for a few of its fields:
/// what is not asked for is skipped without being built. Anything that is not JSON, a number that is
/// not a whole Int64, or nesting deeper than `maximumDepth` throws `Failure`, which names the byte.
public struct JSONCursor {
    struct Failure: Error, Equatable, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    static let maximumDepth = 64
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    public init(_ data: Data) {
        bytes = Array(data)
    }

    private func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

    private mutating func next() throws -> UInt8 {
        skipSpace()
        guard index < bytes.count else { throw failure("the JSON ends early") }
        return bytes[index]
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard try next() == byte else { throw failure("expected \(what)") }
        index += 1
    }

    /// True, and the `null` read, when the next value is null.
    public mutating func null() throws -> Bool {
        guard try next() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + text.count <= bytes.count, bytes[index..<index + text.count].elementsEqual(text) else {
            throw failure("not a JSON value")
        }
        index += text.count
    }

    /// Calls `member` with each key of the object here; `member` must read or skip its value.
    public mutating func object(_ member: (inout JSONCursor, String) throws -> Void) throws {
        try container(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), what: "an object") { cursor in
            let key = try cursor.string()
            try cursor.expect(UInt8(ascii: ":"), "':'")
            try member(&cursor, key)
        }
    }

    /// `object`, or false for a null: every field of the Kubernetes types may be null.
    public mutating func objectOrNull(_ member: (inout JSONCursor, String) throws -> Void) throws -> Bool {
        guard try !null() else { return false }
        try object(member)
        return true
    }

    /// `array`, or nothing for a null.
    public mutating func arrayOrNull(_ element: (inout JSONCursor) throws -> Void) throws {
        guard try !null() else { return }
        try array(element)
    }

    /// Calls `element` for each element of the array here; `element` must read or skip it.
    mutating func array(_ element: (inout JSONCursor) throws -> Void) throws {
        try container(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), what: "an array", element)
    }

    private mutating func container(open: UInt8, close: UInt8, what: String, _ each: (inout JSONCursor) throws -> Void) throws {
        try expect(open, what)
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth)") }
        if try next() == close {
            index += 1
        } else {
            while true {
                try each(&self)
                let byte = try next()
                index += 1
                if byte == close { break }
                guard byte == UInt8(ascii: ",") else { throw failure("expected ',' or '\(Unicode.Scalar(close))'") }
            }
        }
        depth -= 1
    }

    public mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = index
        while index < bytes.count, bytes[index] >= 0x20, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            index += 1
        }
        guard index < bytes.count else { throw failure("the JSON ends inside a string") }
        if bytes[index] == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: bytes[start..<index - 1], as: UTF8.self)
        }
        index = start
        return try escapedString()
    }

    private mutating func escapedString() throws -> String {
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while true {
            guard index < bytes.count else { throw failure("the JSON ends inside a string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard index < bytes.count else { throw failure("the JSON ends inside a string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                default: throw failure("an unknown escape in a string")
                }
            case 0..<0x20:
                throw failure("a control character in a string")
            default:
                run.append(byte)
            }
        }
    }

    /// After `\u`: four hex digits, or a surrogate pair of two escapes; a lone surrogate is U+FFFD.
    private mutating func unicodeEscape() throws -> Unicode.Scalar {
        let first = try hex4()
        let pairs = index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u")
        if (0xD800..<0xDC00).contains(first), pairs {
            let second = index
            index += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
            }
            index = second // not its pair: that escape is read on its own
        }
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a \\u escape without four hex digits") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = Self.hexDigit(byte) else { throw failure("a \\u escape without four hex digits") }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    /// A whole number that fits in Int64.
    public mutating func int64() throws -> Int64 {
        _ = try next()
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value: Int64 = 0
        let digitsStart = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            let digit = Int64(bytes[index] - 0x30)
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflowTimes, !overflowSum else { index = start; throw failure("a number beyond Int64") }
            value = sum
            index += 1
        }
        guard index > digitsStart else { index = start; throw failure("expected a number") }
        guard !(bytes[digitsStart] == 0x30 && index - digitsStart > 1) else { index = start; throw failure("a number with a leading zero") }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            index = start
            throw failure("expected a whole number")
        }
        return value
    }

    /// Skips the value here, whatever it is, checking that it is JSON.
    public mutating func skipValue() throws {
        switch try next() {
        case UInt8(ascii: "{"): try object { cursor, _ in try cursor.skipValue() }
        case UInt8(ascii: "["): try array { try $0.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    private mutating func skipString() throws {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "u"):
                    index += 1
                    _ = try hex4()
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                     UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                default:
                    throw failure("an unknown escape in a string")
                }
            case 0..<0x20:
                throw failure("a control character in a string")
            default:
                index += 1
            }
        }
        throw failure("the JSON ends inside a string")
    }

    /// `-? int frac? exp?` as RFC 8259 writes it.
    private mutating func skipNumber() throws {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let first = index
        let count = digits()
        guard count > 0 else { index = start; throw failure("not a JSON value") }
        guard bytes[first] != 0x30 || count == 1 else { index = start; throw failure("a number with a leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("a number without digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("a number without an exponent") }
        }
    }

    /// Nothing but white space after the document.
    public mutating func end() throws {
        skipSpace()
        guard index == bytes.count else { throw failure("more after the JSON document") }
    }
}
