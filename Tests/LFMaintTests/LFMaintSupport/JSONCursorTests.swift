import Foundation
@testable import LFMaint
@testable import LFMaintSupport
import Testing

/// The cursor accepts what JSON is and refuses what it is not, as Foundation's parser does, and never
/// crashes or recurses without bound on what a hostile server sends.
struct JSONCursorTests {
    static func skipsWhole(_ text: String) -> Bool {
        var cursor = JSONCursor(Data(text.utf8))
        return (try? cursor.skipValue()) != nil && (try? cursor.end()) != nil
    }

    static func foundationAccepts(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
    }

    static let valid = [
        #"{}"#, #"[]"#, #" { "a" : [ 1 , -2.5e+3 , 0 , true , false , null , "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00" ] } "#,
        #"{"nested":{"deeper":[[[{"k":"v"}]]]},"n":-0.0,"e":1E9}"#, #""just a string""#, "12", "-0",
    ]
    static let invalid = [
        #"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, "01", "1.", "-", "1e", #""\x""#, "tru", "[", #"{"a":1}}"#, #""\u12""#,
        "\"tab\there\"", "{'a':1}", "[1 2]", "", "nul", #"{"a":}"#, "[.5]", "+1",
    ]

    @Test func acceptsWhatFoundationAcceptsAndRefusesWhatItRefuses() {
        for text in Self.valid {
            #expect(Self.foundationAccepts(text), "\(text)")
            #expect(Self.skipsWhole(text), "\(text)")
        }
        // Foundation forgives a trailing comma; RFC 8259, and the cursor, do not.
        let forgiven: Set = [#"{"a":1,}"#, #"[1,]"#]
        for text in Self.invalid {
            #expect(Self.foundationAccepts(text) == forgiven.contains(text), "\(text)")
            #expect(!Self.skipsWhole(text), "\(text)")
        }
    }

    @Test func readsStringsWithEveryEscape() throws {
        var cursor = JSONCursor(Data(#""q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83d\ude00 lone \ud800 end \ud800\u0041""#.utf8))
        #expect(try cursor.string() == "q\" b\\ s/ \u{08}\u{0C}\n\r\t é 😀 lone \u{FFFD} end \u{FFFD}A",
                "a high surrogate without its pair is U+FFFD, and the escape after it is read on its own")
        for signed in [#""\u+abc""#, #""\u-abc""#, #""\u0g00""#] {
            var cursor = JSONCursor(Data(signed.utf8))
            #expect(throws: JSONCursor.Failure.self, "\(signed)") { try cursor.string() }
        }
    }

    @Test func readsWholeNumbersOfInt64AndRefusesTheRest() throws {
        for (text, value) in [("0", Int64(0)), ("-0", 0), ("9223372036854775807", .max), ("-9223372036854775808", .min), (" 42 ", 42)] {
            var cursor = JSONCursor(Data(text.utf8))
            #expect(try cursor.int64() == value, "\(text)")
        }
        for text in ["9223372036854775808", "-9223372036854775809", "1.5", "1e3", "01", "-", "\"1\"", "true"] {
            var cursor = JSONCursor(Data(text.utf8))
            #expect(throws: JSONCursor.Failure.self, "\(text)") { try cursor.int64() }
        }
    }

    @Test func nestingPastItsLimitIsRefusedNotFollowed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        var cursor = JSONCursor(Data(deep.utf8))
        #expect(throws: JSONCursor.Failure.self) { try cursor.skipValue() }
        let allowed = String(repeating: "[", count: JSONCursor.maximumDepth) + String(repeating: "]", count: JSONCursor.maximumDepth)
        #expect(Self.skipsWhole(allowed))
    }

    @Test func aFailureNamesTheByte() {
        var cursor = JSONCursor(Data(#"{"a": [1, 2,, 3]}"#.utf8))
        #expect(throws: JSONCursor.Failure(offset: 12, reason: "not a JSON value")) { try cursor.skipValue() }
    }
}
