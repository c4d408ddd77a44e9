import Foundation
@testable import LFMaint
import Testing

/// lfmaint writes its JSON itself; what it writes is what Foundation's JSONSerialization wrote before.
struct JSONOutputTests {
    static func foundation(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static var tree: [String: Any] { [
        "usedGB": 12.5, "usedBytes": Int64(13_421_772_800), "totalGB": 100.0, "UsagePercent": 95.123, "step10": 1, "step9": 2, "step09x": 3,
        "a_b": true, "a1": false, "A": NSNull(), "b": "", "Ab": 1, "ab": 2, "aB": 3, "AB": 4, "path/with/slashes": "s3://bucket/key",
        "escapes": "quote \" backslash \\ tab \t newline \n return \r bell \u{07} nul \u{00} esc \u{1B} del \u{7F} é 日本 🙂",
        "numbers": [0.1, 1e21, 1e-7, -0.0, 5.0, 2.5e-3, Double(Int64.max), 123_456_789.125] as [Any],
        "integers": [Int.min, Int.max, 0, -1] as [Any], "int32": Int32(-7), "uint64": UInt64.max,
        "empty": [Any](), "emptyObject": [String: Any](), "nested": [["x": [[String: Any]()], "y": [[Any]()]]] as [Any],
        "optional": Optional<String>.none as Any, "some": Optional<Int>.some(4) as Any, "nsnumber": NSNumber(value: true),
    ] }

    @Test func writesWhatFoundationWrites() throws {
        var foundationTree = Self.tree
        foundationTree["optional"] = NSNull()
        foundationTree["some"] = 4
        #expect(JSONOutput.encode(Self.tree) == (try Self.foundation(foundationTree)))
        #expect(JSONOutput.encode([Any]()) == (try Self.foundation([Any]())))
    }

    @Test func anArrayWrittenOneElementAtATimeIsTheWholeArray() throws {
        let cases: [[[String: Any]]] = [
            (0..<5).map { ["index": $0, "name": "v-\($0)", "top": [Any]()] as [String: Any] },
            [["b": 1, "a": [1, 2]]],
            [["x": NSNull()], ["y": "s/t\n\"q\"", "z": [String: Any](), "w": [Any](), "v": ["k": [["deep": true]]]]],
        ]
        for items in cases {
            #expect(JSONOutput.encodeArray(items) { $0 } == (try Self.foundation(items)))
            #expect(JSONOutput.encodeArray(items) { $0 } == JSONOutput.encode(items))
        }
        #expect(JSONOutput.encodeArray([Int]()) { $0 } == (try Self.foundation([Any]())))
    }

    @Test func aReportOfEveryKindOfSampleReadsAsFoundationWouldWriteIt() throws {
        let volume = VolumeSettings(name: "clickhouse", component: .clickhouse, source: .kubelet, pvc: "data-0", pod: "ch-0")
        let samples = [VolumeSample.unknown(volume, "node \"n1\": timed out\n"),
                       VolumeSample.checked(volume, source: "test", used: 9_000, total: 10_000, available: 1_000,
                                            inodesUsed: 5, inodesTotal: 7)]
        #expect(SampleReport.json(SampleRun(samples: samples, sourceUp: [:], durationSeconds: 0.5))
            == (try Self.foundation(samples.map(SampleReport.object))))
    }

    @Test func keysSortAsCollationSortsIdentifiers() {
        let keys = ["usedGB", "UsagePercent", "usedBytes", "step10", "step9", "a_b", "a1", "A", "b", "Ab", "ab"]
        #expect(JSONOutput.sortedKeys(keys)
            == ["A", "a_b", "a1", "ab", "Ab", "b", "step9", "step10", "UsagePercent", "usedBytes", "usedGB"])
    }
}
