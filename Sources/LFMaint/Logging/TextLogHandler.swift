import Foundation
import Logging

/// swift-log's text format (`<time> <level> <label>: <metadata> [<source>] <message>`), written
/// through `Console` so that no secret reaches standard error.
struct TextLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let label: String

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = mergedMetadata(event)
        if let error = event.error { merged["error"] = "\(error)" }
        let pairs = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        Console.error("\(Self.timestamp()) \(event.level) \(label):\(pairs.isEmpty ? "" : " " + pairs) [\(event.source)] \(event.message)")
    }

    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension LogHandler {
    /// The handler's metadata, then its provider's, then the event's own: the later wins.
    func mergedMetadata(_ event: LogEvent) -> Logger.Metadata {
        var merged = metadata
        metadataProvider?.get().forEach { merged[$0.key] = $0.value }
        event.metadata?.forEach { merged[$0.key] = $0.value }
        return merged
    }
}
