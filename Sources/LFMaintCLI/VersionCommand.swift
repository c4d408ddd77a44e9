import ArgumentParser
import LFMaint

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print lfmaint's version.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        switch global.output {
        case .text: print("lfmaint \(LFMaintVersion.current)")
        case .json: print("{\"version\":\"\(LFMaintVersion.current)\"}")
        }
    }
}
