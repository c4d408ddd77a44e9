import Foundation
import Logging
import Synchronization

/// Writes each log event as one JSON object on one line of standard error:
/// `{"time":…,"level":…,"label":…,"message":…, <metadata>…}`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = mergedMetadata(event).mapValues(Self.jsonValue)
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        if let error = event.error { object["error"] = String(describing: error) }
        if let line = JSONLine.render(object) { write(line) }
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): Self.number(convertible) ?? convertible.description
        case .array(let items): items.map(jsonValue)
        case .dictionary(let dictionary): dictionary.mapValues(jsonValue)
        }
    }

    private static func number(_ value: any CustomStringConvertible & Sendable) -> Any? {
        switch value {
        case let number as Int: number
        case let number as Double where number.isFinite: number
        case let flag as Bool: flag
        default: nil
        }
    }

    public static let writeToStandardError: @Sendable (String) -> Void = { line in Console.error(line) }
}
