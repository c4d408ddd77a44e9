import Dispatch
import Synchronization

/// Runs blocking C calls (libcurl, libpq, sockets) off the Swift concurrency pool, which has only
/// as many threads as cores. Each call gets a serial queue of its own: a serial queue may get a
/// thread of its own (it "overcommits"), whereas a concurrent queue is held to one thread per core,
/// which would make 8 parallel HTTP requests wait for each other on a 2-core machine. No call waits
/// behind another (a cleanup statement may block its thread for half an hour).
///
/// A cancelled caller stops waiting at once (CancellationError) and the call finishes unobserved:
/// that is how the agent stops within seconds of SIGTERM while a long statement is on the server.
public enum BlockingIO {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let waiter = Waiter<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard waiter.wait(continuation) else { return }
                DispatchQueue(label: "lfmaint.blocking-io").async { waiter.resume(with: Result { try work() }) }
            }
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
    }

    /// Resumes the caller exactly once: with the work's result, or with a cancellation that came first.
    private final class Waiter<T: Sendable>: Sendable {
        enum State { case idle, cancelledEarly, waiting(CheckedContinuation<T, Error>), resumed }
        private let state = Mutex<State>(.idle)

        /// False when the caller was cancelled before the work started: it is resumed already.
        func wait(_ continuation: CheckedContinuation<T, Error>) -> Bool {
            let cancelled = state.withLock { state in
                if case .cancelledEarly = state { state = .resumed; return true }
                state = .waiting(continuation)
                return false
            }
            if cancelled { continuation.resume(throwing: CancellationError()) }
            return !cancelled
        }

        func resume(with result: Result<T, Error>) {
            let continuation: CheckedContinuation<T, Error>? = state.withLock { state in
                switch state {
                case .idle: state = .cancelledEarly // only a cancellation can come before the work starts
                case .waiting(let continuation): state = .resumed; return continuation
                case .cancelledEarly, .resumed: break
                }
                return nil
            }
            continuation?.resume(with: result)
        }
    }
}
