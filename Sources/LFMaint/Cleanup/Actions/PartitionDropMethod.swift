/// How a partition goes on one server. `DROP PARTITION` first writes an empty covering part for each
/// of its parts (32 KiB each on 4 KiB blocks, measured: 16 MiB for 500 parts) and only then frees them:
/// it goes whole only when its key proves that every row the partition can hold is past the floor (a
/// part inserted after the read goes too) and the empty parts fit in the space this run has already
/// freed, so that usage never rises above where the run began. Otherwise its parts go by name, a batch
/// per statement, each part's newest row checked first: each DROP PART frees its own part before the
/// next writes anything.
enum PartitionDropMethod: Equatable {
    case whole
    case byParts

    /// An empty part's size, with room for larger file system blocks: twice what was measured.
    static let emptyPartBytes: Int64 = 64 << 10

    static func choose(parts: Int, keyProven: Bool, freedBytes: Int64) -> PartitionDropMethod {
        guard keyProven, parts > 0 else { return .byParts }
        let (needed, overflow) = Int64(parts).multipliedReportingOverflow(by: emptyPartBytes)
        return !overflow && needed <= freedBytes ? .whole : .byParts
    }
}
