import Foundation
@testable import LFMaintSupport
import Testing

@Suite("Blocking I/O off the concurrency pool")
struct BlockingIOTests {
    @Test func aLongCallHoldsNoOtherBack() async throws {
        let long = Task { try await BlockingIO.run { Thread.sleep(forTimeInterval: 2) } }
        defer { long.cancel() }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<32 { group.addTask { try await BlockingIO.run { Thread.sleep(forTimeInterval: 0.01) } } }
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - start < .seconds(1), "short calls waited behind the long one")
    }
}
