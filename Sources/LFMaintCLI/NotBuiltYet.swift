import ArgumentParser
import Foundation

/// What a command says until its issue is done: a clear line and exit 2, never a silent success.
enum NotBuiltYet {
    static func exit(_ command: String) -> ExitCode {
        FileHandle.standardError.write(Data("lfmaint \(command): not built yet in this version; nothing was done.\n".utf8))
        return ExitStatus.badInput
    }
}
