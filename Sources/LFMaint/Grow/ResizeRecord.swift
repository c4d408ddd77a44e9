import Foundation

/// lfmaint's note of its last resize, kept on the PVC itself (an annotation written by the same patch
/// that grows it), so a restarted agent or the next CronJob run knows it too: when, from and to what
/// size, and the file system's size lfmaint sampled then. A later sample larger than that is the first
/// that shows the resize.
struct ResizeRecord: Sendable, Equatable, Codable {
    static let annotation = "lfmaint.io/last-resize"

    /// Unix seconds.
    var at: Int64
    var fromBytes: Int64
    var toBytes: Int64
    /// The sampled file system's total bytes before the resize.
    var sampledTotalBytes: Int64

    init(at: Int64, fromBytes: Int64, toBytes: Int64, sampledTotalBytes: Int64) {
        self.at = at
        self.fromBytes = fromBytes
        self.toBytes = toBytes
        self.sampledTotalBytes = sampledTotalBytes
    }

    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Nil when the annotation is not one lfmaint wrote: negative, reversed or future-dated values included.
    static func read(_ text: String, now: Double) -> ResizeRecord? {
        guard text.utf8.count <= 512, let record = try? JSONDecoder().decode(ResizeRecord.self, from: Data(text.utf8)) else { return nil }
        guard record.at > 0, Double(record.at) <= now + 300, record.fromBytes > 0, record.toBytes > record.fromBytes,
              record.sampledTotalBytes >= 0 else { return nil }
        return record
    }
}
