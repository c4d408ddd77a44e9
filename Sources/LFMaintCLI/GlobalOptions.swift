import ArgumentParser
import Foundation
import LFMaint
import Logging
import Synchronization

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// `prom` (Prometheus text exposition) is for `sample` only.
    case text, json, prom
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("YAML configuration file (default: $LFMAINT_CONFIG, else none).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: "Output on stdout: text for people, json for programs, prom (sample only) for Prometheus.")
    var output: OutputFormat = .text

    @Option(name: .long, help: "Least severe log level written to stderr (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Log lines on stderr as text or as JSON lines.")
    var logFormat: LogFormat = .text

    /// Sets up logging and returns the validated configuration, `flags` applied over the file and the
    /// environment before it is checked; a bad one throws `ConfigError`.
    func start(environment: [String: String] = ProcessInfo.processInfo.environment, allowProm: Bool = false,
               flags: (inout Configuration) throws -> Void = { _ in }) throws -> Configuration {
        if output == .prom, !allowProm { throw ConfigError(key: "--output", "prom is only for `lfmaint sample`") }
        LoggingBootstrap.once(level: logLevel, format: logFormat)
        let path = config ?? environment["LFMAINT_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        return try ConfigurationLoader.load(path: path, environment: environment, flags: flags)
    }
}

/// swift-log may be bootstrapped only once per process; tests parse many commands in one process.
enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func once(level: Logger.Level, format: LogFormat) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LogSetup.bootstrap(level: level, format: format)
        }
    }
}
