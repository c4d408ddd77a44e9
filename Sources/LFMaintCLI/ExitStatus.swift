import ArgumentParser

/// lfmaint's exit codes; every command documents which it uses.
enum ExitStatus {
    static let ok = ExitCode(0)
    static let failure = ExitCode(1)
    /// Bad input: configuration, flags, or a command that is not built yet.
    static let badInput = ExitCode(2)
    /// `cleanup`: still above the threshold after every allowed step.
    static let stillAboveThreshold = ExitCode(3)
    /// `ttl plan`: changes are pending (drift).
    static let changesPending = ExitCode(4)
    /// `sample`: some sources answered "unknown".
    static let someUnknown = ExitCode(5)
}
