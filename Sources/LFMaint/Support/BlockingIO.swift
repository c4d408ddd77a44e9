import Dispatch

/// Runs blocking C calls (libcurl, libpq) off the Swift concurrency pool, which has only as many
/// threads as cores.
public enum BlockingIO {
    private static let queue = DispatchQueue(label: "lfmaint.blocking-io", attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
