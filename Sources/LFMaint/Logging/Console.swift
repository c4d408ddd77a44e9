import Foundation
import LFMaintSupport
import Synchronization

/// Every line lfmaint writes goes through here, scrubbed of every secret it was given, one writer at
/// a time (so that lines from concurrent loggers never interleave).
public enum Console {
    private static let lock = Mutex(())

    /// `text` as it is (reports end in their own newline).
    public static func output(_ text: String) {
        let bytes = Data(SecretScrubber.scrub(text).utf8)
        // A closed pipe (`| head`) or a full disk loses the text, never the process.
        lock.withLock { _ in try? FileHandle.standardOutput.write(contentsOf: bytes) }
    }

    /// One line on standard error.
    public static func error(_ line: String) {
        let bytes = Data((SecretScrubber.scrub(line) + "\n").utf8)
        lock.withLock { _ in try? FileHandle.standardError.write(contentsOf: bytes) }
    }
}
