import Foundation

/// One JSON object on one line, stamped with the time: the shape of every log and audit line lfmaint
/// writes on stderr.
enum JSONLine {
    static func render(_ fields: [String: Any]) -> String? {
        var object = fields
        object["time"] = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
