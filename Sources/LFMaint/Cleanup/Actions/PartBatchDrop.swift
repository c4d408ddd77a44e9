import LFMaintEdges

/// A partition's parts dropped by name, `batchSize` to a statement, every part of a
/// batch checked before it is sent. A DROP PART statement stops at the first part that is no longer
/// active (NO_SUCH_DATA_PART: a merge replaced it since the read), the ones before it gone: the
/// partition is then read again, and what is there now checked and dropped, at most `rereadsAllowed` times.
enum PartBatchDrop {
    typealias PartSpan = SystemCatalog.PartSpan

    /// Parts per DROP PART statement: ~4 KB of SQL, a fraction of a second on a server.
    static let batchSize = 100
    static let noSuchPart = 232
    static let rereadsAllowed = 3

    struct Done: Equatable {
        var dropped = 0
        var statements = 0
        var rereads = 0
    }

    /// `check` throws when a part may not go (`CleanupGuard`); `renew` is false once the lock is lost;
    /// `drop` sends one statement for the parts, `number` counting statements from 1; `read` reads the
    /// partition's parts again.
    static func run(_ first: [PartSpan], check: (PartSpan) throws -> Void, renew: () async -> Bool,
                    drop: (_ parts: [PartSpan], _ number: Int) async throws -> Void,
                    read: () async throws -> [PartSpan]) async throws -> Done {
        var parts = first[...]
        var done = Done()
        while !parts.isEmpty {
            let batch = Array(parts.prefix(batchSize))
            for part in batch { try check(part) }
            guard await renew() else { throw CleanupStepRunner.LockLost() }
            done.statements += 1
            do {
                try await drop(batch, done.statements)
            } catch let error as ClickHouseError where error.code == Self.noSuchPart && done.rereads < Self.rereadsAllowed {
                done.rereads += 1
                parts = try await read()[...]
                continue
            }
            done.dropped += batch.count
            parts = parts.dropFirst(batch.count)
        }
        return done
    }
}
