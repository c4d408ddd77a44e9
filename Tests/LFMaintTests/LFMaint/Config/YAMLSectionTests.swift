@testable import LFMaint
import Testing
import Yams

/// The config is read without Yams's tag rules (a regular expression per rule per key); every value
/// still reads as it did with them.
struct YAMLSectionTests {
    static let values = ["true", "True", "TRUE", "tRuE", "yes", "Yes", "on", "ON", "false", "False", "no", "NO", "off", "Off",
                         "\"true\"", "'off'", "\"yes\"", "y", "n", "1", "0", "~", "null", "\"\"", "''", "12", "-3", "0x1F", "1_000",
                         "0o17", "1.5", "-2e3", ".inf", "\"12\"", "'1.5'", "text", "\"quoted text\"", "2026-12-06", "=", "<<"]

    func before(_ value: String) throws -> Node? { try Yams.compose(yaml: "k: \(value)")?.mapping?["k"] }

    func now(_ value: String) throws -> YAMLSection {
        try YAMLSection(try Yams.compose(yaml: "k: \(value)", YAMLSection.resolver), path: "")
    }

    @Test(arguments: values)
    func everyScalarReadsAsItDidWithTagRules(_ value: String) throws {
        let old = try #require(try before(value))
        var section = try now(value)
        #expect((try? section.bool("k")) == old.bool, "bool \(value)")
        section = try now(value)
        #expect((try? section.int("k")) == (old.null == nil ? old.int ?? old.string.flatMap { Int($0) } : nil), "int \(value)")
        section = try now(value)
        #expect((try? section.string("k")) == (old.null == nil ? old.string : nil), "string \(value)")
        section = try now(value)
        let double = old.null == nil ? (old.float ?? old.string.flatMap { Double($0) }).flatMap { $0.isFinite ? $0 : nil } : nil
        #expect((try? section.double("k")) == double, "double \(value)")
    }

    @Test func duplicateKeysAreStillRefused() {
        #expect(throws: YamlError.self) { try Yams.compose(yaml: "a: 1\na: 2", YAMLSection.resolver) }
    }
}
