@testable import LFMaint
@testable import LFMaintEdges
import Synchronization
import Testing

/// The part-by-part drop's control: batches of `batchSize`, every part checked before its batch is sent,
/// the partition read again when a merge replaced a part, and nothing sent once a check refuses or the
/// lock is lost. (The engine's side, a DROP PART statement stopping at its first missing part, is what
/// `CleanupManyPartsTests` and the stack's engine show.)
struct PartBatchDropTests {
    typealias PartSpan = SystemCatalog.PartSpan

    static func parts(_ range: Range<Int>, newest: Int64 = 100) -> [PartSpan] {
        range.map { PartSpan(name: PartitionName("202601_\($0)_\($0)_0")!, newest: newest) }
    }

    /// What the fake engine holds and what was sent to it.
    final class Engine: Sendable {
        let active: Mutex<[PartSpan]>
        let sent = Mutex<[[String]]>([])
        init(_ parts: [PartSpan]) { active = Mutex(parts) }

        /// As ClickHouse runs DROP PART commands: in order, stopping at the first part not active.
        func drop(_ batch: [PartSpan]) throws {
            sent.withLock { $0.append(batch.map(\.name.text)) }
            for part in batch {
                guard active.withLock({ parts in parts.firstIndex(of: part).map { parts.remove(at: $0) } }) != nil else {
                    let message = "No part \(part.name.text) in committed state"
                    throw ClickHouseError.server(host: "engine", code: PartBatchDrop.noSuchPart, message: message, statement: "DROP PART")
                }
            }
        }
    }

    static func run(_ engine: Engine, _ first: [PartSpan], floor: Int64 = 1_000, renew: @escaping () -> Bool = { true }) async throws
        -> PartBatchDrop.Done {
        try await PartBatchDrop.run(first, check: { part in
            guard part.newest < floor else { throw CleanupGuard.Refusal(step: part.name.text, reason: "newer than the floor") }
        }, renew: { renew() }, drop: { batch, _ in try engine.drop(batch) }, read: { engine.active.withLock { $0 } })
    }

    @Test func partsGoInBatchesOfAHundred() async throws {
        let engine = Engine(Self.parts(0..<250))
        let done = try await Self.run(engine, Self.parts(0..<250))
        #expect(done == PartBatchDrop.Done(dropped: 250, statements: 3, rereads: 0))
        #expect(engine.sent.withLock { $0.map(\.count) } == [100, 100, 50])
        #expect(engine.active.withLock { $0.isEmpty })
    }

    @Test func aPartMergedAwaySinceTheReadMakesItReadAgainAndTheMergedPartIsCheckedToo() async throws {
        let read = Self.parts(0..<150)
        // Since the read, parts 120…129 were merged into one part: 130 takes their place.
        let merged = PartSpan(name: PartitionName("202601_120_129_1")!, newest: 100)
        let engine = Engine(Array(read[0..<120]) + [merged] + Array(read[130...]))
        let done = try await Self.run(engine, read)
        #expect(done.rereads == 1 && done.dropped == 100 + 21)
        #expect(engine.active.withLock { $0.isEmpty })
        #expect(engine.sent.withLock { $0.last?.contains(merged.name.text) } == true)
    }

    @Test func aMergedPartHoldingANewerRowIsRefusedAndNothingAfterItGoes() async throws {
        let read = Self.parts(0..<150)
        let merged = PartSpan(name: PartitionName("202601_100_149_1")!, newest: 5_000)
        let engine = Engine(Array(read[0..<100]) + [merged])
        await #expect(throws: CleanupGuard.Refusal.self) {
            _ = try await Self.run(engine, Array(read[0..<100]) + Array(read[110...]))
        }
        #expect(engine.active.withLock { $0 } == [merged], "the batch before it went; the newer part stays")
    }

    @Test func aPartitionEmptiedSinceTheReadEndsTheDropAndOneThatKeepsChangingStopsAfterThreeReads() async throws {
        let emptied = Engine([])
        #expect(try await Self.run(emptied, Self.parts(0..<10)) == PartBatchDrop.Done(dropped: 0, statements: 1, rereads: 1))
        let stubborn = Engine(Self.parts(0..<5))
        // Each read names a part the engine no longer has.
        await #expect(throws: ClickHouseError.self) {
            _ = try await PartBatchDrop.run(Self.parts(5..<6), check: { _ in }, renew: { true },
                                            drop: { batch, _ in try stubborn.drop(batch) }, read: { Self.parts(5..<6) })
        }
        #expect(stubborn.sent.withLock { $0.count } == 1 + PartBatchDrop.rereadsAllowed)
        #expect(stubborn.active.withLock { $0.count } == 5)
    }

    @Test func aLostLockSendsNothingMore() async throws {
        let engine = Engine(Self.parts(0..<250))
        let renewals = Mutex(0)
        await #expect(throws: CleanupStepRunner.LockLost.self) {
            _ = try await Self.run(engine, Self.parts(0..<250), renew: { renewals.withLock { $0 += 1; return $0 < 2 } })
        }
        #expect(engine.sent.withLock { $0.count } == 1)
    }
}
