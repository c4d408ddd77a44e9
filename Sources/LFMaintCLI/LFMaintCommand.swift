import ArgumentParser
import Foundation
import LFMaint
import LFMaintSupport

public struct LFMaintCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lfmaint",
        abstract: "Keeps a self-hosted Langfuse's volumes (ClickHouse, Postgres, Redis, its object store) from filling up.",
        discussion: """
            Exit codes: 0 ok, 1 error, 2 bad input (config, flags), 3 cleanup still above threshold, \
            4 TTL or lifecycle changes pending, 5 some volumes unknown.
            Configuration: --config FILE or $LFMAINT_CONFIG; Langfuse's CLICKHOUSE_*, DATABASE_URL, REDIS_* \
            and LANGFUSE_S3_* variables and AWS's AWS_* variables override the file.
            """,
        version: LFMaintVersion.current,
        subcommands: [SampleCommand.self, ExplainCommand.self, TTLCommand.self, S3Command.self, CleanupCommand.self, AgentCommand.self,
                      VersionCommand.self]
    )

    public init() {}

    /// Parses and runs a command line; returns the process exit code. Bad input of any kind exits 2
    /// with one line on stderr.
    public static func runMain(_ arguments: [String]? = nil) async -> Int32 {
        do {
            var command = try parseAsRoot(GlobalOptionPlacement.normalized(arguments ?? Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.ok.rawValue
        } catch let error as ConfigError {
            printError(error.description)
            return ExitStatus.badInput.rawValue
        } catch let code as ExitCode {
            return code.rawValue
        } catch where exitCode(for: error) == .failure {
            // Any error of lfmaint's own (ClickHouse, Postgres, HTTP, lock, …): one line, exit 1.
            printError("lfmaint: \(error)")
            return ExitStatus.failure.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Console.output(fullMessage(for: error) + "\n")
                return code.rawValue
            }
            guard code == .validationFailure else {
                printError(fullMessage(for: error))
                return code.rawValue
            }
            // One line, without the usage block: a CronJob's log shows it whole.
            let line = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            printError("lfmaint: \(line) (see lfmaint --help)")
            return ExitStatus.badInput.rawValue
        }
    }

    static func printError(_ message: String) {
        Console.error(message)
    }
}
