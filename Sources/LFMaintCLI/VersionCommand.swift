import ArgumentParser
import LFMaint

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print lfmaint's version.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        _ = try global.start()
        if global.output == .json {
            print("{\"version\":\"\(LFMaintVersion.current)\"}")
        } else {
            print("lfmaint \(LFMaintVersion.current)")
        }
    }
}
