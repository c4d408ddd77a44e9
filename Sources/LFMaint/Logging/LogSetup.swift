import Logging

public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

public enum LogSetup {
    /// Sends every logger of the process to standard error in the chosen format and level.
    public static func bootstrap(level: Logger.Level, format: LogFormat) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = switch format {
            case .json: JSONLogHandler(label: label)
            case .text: TextLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}
