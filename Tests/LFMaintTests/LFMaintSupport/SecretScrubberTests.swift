import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

@Suite("Scrubbing secrets from output")
struct SecretScrubberTests {
    @Test func aSecretIsBlankedAfterJSONHasEscapedIt() throws {
        let secret = #"ab"cd\ef-scrub-\#(UUID().uuidString.prefix(8))"#
        SecretScrubber.register(secret)
        let line = try #require(JSONLine.render(["message": "the server said \(secret) back"]))
        #expect(line.contains(#"\""#), "the line is escaped: \(line)")
        let scrubbed = SecretScrubber.scrub(line)
        #expect(!scrubbed.contains("cd\\\\ef-scrub"), "\(scrubbed)")
        #expect((try? JSONSerialization.jsonObject(with: Data(scrubbed.utf8))) != nil, "still JSON: \(scrubbed)")
    }

    @Test func wordsLfmaintPrintsAndShortValuesAreNotBlanked() {
        SecretScrubber.register("clickhouse")
        SecretScrubber.register("abc")
        #expect(SecretScrubber.scrub("clickhouse volume abc") == "clickhouse volume abc")
    }

    @Test func anErrorPageIsScrubbedBeforeItIsCut() {
        let secret = "cut-secret-\(UUID().uuidString.prefix(8))"
        SecretScrubber.register(secret)
        let page = String(repeating: "x", count: 290) + " " + secret
        let response = HTTPClientResponse(status: 500, headers: [], body: Data(page.utf8))
        #expect(!response.bodySummary().contains("cut-secret"), "\(response.bodySummary())")
    }
}
