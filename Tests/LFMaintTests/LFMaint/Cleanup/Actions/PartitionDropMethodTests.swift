@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// A partition goes whole only when its key vouches for every row it can hold and the empty parts
/// DROP PARTITION writes fit in what the run has freed; otherwise part by part.
struct PartitionDropMethodTests {
    static let day: Int64 = 86_400
    static let now: Int64 = 1_795_000_000
    static let empty = PartitionDropMethod.emptyPartBytes

    @Test func wholeOnlyWhenTheKeyIsProvenAndTheEmptyPartsFitInWhatWasFreed() {
        #expect(PartitionDropMethod.choose(parts: 10, keyProven: true, freedBytes: 10 * Self.empty) == .whole)
        #expect(PartitionDropMethod.choose(parts: 10, keyProven: true, freedBytes: 10 * Self.empty - 1) == .byParts)
        #expect(PartitionDropMethod.choose(parts: 10, keyProven: false, freedBytes: .max) == .byParts)
        #expect(PartitionDropMethod.choose(parts: 1, keyProven: true, freedBytes: 0) == .byParts,
                "a run that freed nothing yet never goes above its start")
        #expect(PartitionDropMethod.choose(parts: 0, keyProven: true, freedBytes: .max) == .byParts)
        #expect(PartitionDropMethod.choose(parts: .max, keyProven: true, freedBytes: .max) == .byParts, "no overflow into a small product")
    }

    @Test func theGuardLetsAPartitionGoWholeOnlyOnItsKeysWord() throws {
        let table = QualifiedTableName("default.traces", defaultDatabase: "default")!
        let column = TimeColumn(name: SQLIdentifier("timestamp")!, type: "DateTime64(3)")!
        var step = CleanupStep(table: table, action: .dropPartition, partitionID: PartitionName("202601")!, column: column,
                               newestValue: Self.now - 60 * Self.day, keyEnd: Self.now - 6 * Self.day, estimatedBytes: 1, reason: "")
        let floor = CleanupFloor(days: 7)
        #expect(throws: Never.self, "by parts, each part's own newest row is what counts") {
            try CleanupGuard.check(step, floor: floor, now: Self.now)
        }
        #expect(throws: CleanupGuard.Refusal.self, "the key lets rows under the floor in") {
            try CleanupGuard.check(step, floor: floor, now: Self.now, whole: true)
        }
        step.keyEnd = Self.now - 8 * Self.day
        #expect(throws: Never.self) { try CleanupGuard.check(step, floor: floor, now: Self.now, whole: true) }
        step.keyEnd = nil
        #expect(throws: CleanupGuard.Refusal.self, "no key bound: never whole") {
            try CleanupGuard.check(step, floor: floor, now: Self.now, whole: true)
        }
    }
}

/// What the run has freed, which a whole drop's empty parts must fit in, is measured on one volume.
struct FreedSpaceTests {
    static func reading(_ name: String, used: Int64) -> VolumeReading {
        let volume = VolumeSettings(name: name, component: .clickhouse, source: .clickhouse)
        let sample = VolumeSample(volume: volume, usedBytes: used, totalBytes: 100 << 30, availableBytes: (100 << 30) - used)
        return VolumeReading(fullestOf: [sample])!
    }

    @Test func onTheVolumeTheRunBeganOnOnly() {
        let start = Self.reading("clickhouse", used: 90 << 30)
        #expect(CleanupExecutor.freed(since: start, now: Self.reading("clickhouse", used: 80 << 30)) == 10 << 30)
        #expect(CleanupExecutor.freed(since: start, now: Self.reading("clickhouse", used: 95 << 30)) == 0, "usage that grew freed nothing")
        #expect(CleanupExecutor.freed(since: start, now: Self.reading("clickhouse-1", used: 10 << 30)) == 0,
                "another volume is now the fullest: its bytes do not subtract from the first one's")
    }
}
