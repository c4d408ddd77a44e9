/// Thrown by `withDeadline` when the work did not finish in time.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    let seconds: Double
    public var description: String { "no answer within \(seconds) s" }
}

/// Runs `work`, or throws `DeadlineExceeded` after `seconds` and cancels it. Work that ignores
/// cancellation is still awaited: run blocking calls through `BlockingIO`, which stops waiting.
public func withDeadline<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded(seconds: seconds) }
        return value
    }
}
