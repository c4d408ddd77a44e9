import Foundation
import LFMaint
import Testing

@Suite("JSON output")
struct JSONOutputTests {
    @Test func arrayBuiltElementByElementEqualsTheWholeTree() {
        let cases: [[[String: Any]]] = [
            [],
            [["b": 1, "a": [1, 2]]],
            [["x": NSNull()], ["y": "s/t\n\"q\"", "z": [String: Any](), "w": [Any](), "v": ["k": [["deep": true]]]]],
        ]
        for items in cases {
            #expect(JSONOutput.encodeArray(items) { $0 } == JSONOutput.encode(items))
        }
    }
}
