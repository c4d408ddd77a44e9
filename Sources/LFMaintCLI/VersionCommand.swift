import ArgumentParser
import LFMaint
import LFMaintSupport

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print lfmaint's version.")

    @OptionGroup var global: GlobalOptions

    /// Needs no configuration: it prints the version even when the config is broken.
    func run() throws {
        if global.output == .json {
            Console.output("{\"version\":\"\(LFMaintVersion.current)\"}\n")
        } else {
            Console.output("lfmaint \(LFMaintVersion.current)\n")
        }
    }
}
