import Dispatch
import Synchronization

/// Runs blocking C calls (libcurl, libpq, sockets) off the Swift concurrency pool, which has only
/// as many threads as cores. The work goes round-robin to serial queues: each serial queue may get a
/// thread of its own (it "overcommits"), whereas a concurrent queue is held to one thread per core,
/// which would make 8 parallel HTTP requests wait for each other on a 2-core machine.
public enum BlockingIO {
    static let width = 16
    private static let queues = (0..<width).map { DispatchQueue(label: "lfmaint.blocking-io.\($0)") }
    private static let next = Atomic<Int>(0)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let index = next.add(1, ordering: .relaxed).oldValue % width
        return try await withCheckedThrowingContinuation { continuation in
            queues[index].async { continuation.resume(with: Result { try work() }) }
        }
    }
}
