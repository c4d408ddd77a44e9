@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// The account's arithmetic and its sentences, from plain values.
struct ExplainAccountTests {
    static let volume = VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse)

    static func facts(active: [(String, Int64)], outdated: Int64 = 0, detached: Int64 = 0) -> ClickHouseDiskFacts {
        var facts = ClickHouseDiskFacts(path: "/var/lib/clickhouse/", now: 1_000_000)
        facts.active = active.map { name, bytes in
            ClickHouseDiskFacts.TableParts(table: QualifiedTableName(name, defaultDatabase: "default")!, parts: 2, rows: 10, bytes: bytes, files: 14)
        }
        if outdated > 0 {
            facts.outdated = [ClickHouseDiskFacts.TableParts(table: QualifiedTableName("default.traces", defaultDatabase: "default")!, parts: 3, rows: 5,
                                                             bytes: outdated, files: 21, lastRemoved: 999_950, lifetimeSeconds: 480)]
        }
        if detached > 0 {
            facts.detached = [ClickHouseDiskFacts.Detached(table: QualifiedTableName("default.scores", defaultDatabase: "default")!, reason: "broken",
                                                           parts: 1, bytes: detached, names: ["202612_1_1_0"])]
        }
        return facts
    }

    @Test func theLinesAddUpToTheUsedBytesWhateverTheyAre() {
        let facts = Self.facts(active: [("default.traces", 700 << 20), ("system.query_log", 90 << 20), ("system.query_log_0", 60 << 20),
                                        ("other.t", 5 << 20)], outdated: 30 << 20, detached: 10 << 20)
        for used: Int64 in [1 << 30, 900 << 20, 100 << 20] {
            let lines = ClickHouseAccount.lines(facts, used: used, langfuseDatabase: "default")
            #expect(lines.reduce(0) { $0 + $1.bytes } == used)
            #expect(lines.last?.kind == (lines.last?.bytes ?? 0 < 0 ? .countedTwice : .notClickHouseData))
        }
        let lines = ClickHouseAccount.lines(facts, used: 1 << 30, langfuseDatabase: "default")
        #expect(lines.first { $0.name == "default.traces" }?.kind == .langfuseData)
        #expect(lines.first { $0.name == "system.query_log" }?.kind == .systemLogs)
        #expect(lines.first { $0.name == "system.query_log_0" }?.kind == .rotatedLogs)
        #expect(lines.first { $0.name == "other.t" }?.kind == .otherTables)
        // The last replaced 50 s ago, kept 480 s: gone in 430 s.
        #expect(lines.first { $0.kind == .outdatedParts }?.detail?.contains("in 7 min") == true)
        #expect(lines.first { $0.kind == .detachedParts }?.freedBy.contains("DROP DETACHED PART '202612_1_1_0'") == true)
    }

    @Test func moreBytesCountedThanUsedIsNamedAsFilesCountedTwice() {
        let lines = ClickHouseAccount.lines(Self.facts(active: [("default.traces", 100 << 20)]), used: 50 << 20, langfuseDatabase: "default")
        #expect(lines.last?.bytes ?? 0 < 0)
        #expect(lines.last?.name.contains("counted twice") == true && lines.last?.kind == .countedTwice)
    }

    /// metric_log_0 as the engine wrote it: one wide part of 8,609 files, 8,580 of them its 2,149 columns'
    /// streams, 2,141 of those empty (sparse all-zero columns), holding 360 KB; measured on tmpfs at 26.1 MB
    /// beyond its bytes.
    @Test func emptyFilesTakeNoBlockAndSmallOnesTakeAWholeOne() {
        var facts = Self.facts(active: [("system.metric_log_0", 640_000)])
        facts.active[0].parts = 1
        facts.active[0].files = 8604
        facts.active[0].streamFiles = 8580
        facts.active[0].smallStreamBytes = 360_000
        let full = ClickHouseAccount.overhead(facts)
        facts.active[0].emptyFiles = 2141
        let sparse = ClickHouseAccount.overhead(facts)
        #expect(full - sparse == 2141 * ClickHouseAccount.blockBytes)
        #expect(abs(sparse - 26_100_000) < 300_000, "\(sparse)")
        facts.active[0].largeStreamFiles = 10
        #expect(sparse - ClickHouseAccount.overhead(facts) == 10 * ClickHouseAccount.blockBytes / 2, "a large file wastes half a block")
    }

    @Test func sumsOfLyingSizesSaturateInsteadOfTrapping() {
        // 9,000 tables of a pebibyte each: their sum is past what an Int64 holds.
        let huge = Self.facts(active: (0..<9000).map { ("default.t\($0)", SystemCatalog.maximumBytes) })
        let lines = ClickHouseAccount.lines(huge, used: 1 << 40, langfuseDatabase: "default")
        #expect(lines.last?.kind == .countedTwice)
        #expect([Int64.max, 1].saturatingSum == .max && [Int64.min, -1].saturatingSum == .min)
        #expect(Int64.max.saturatingTimes(2) == .max && Int64.max.saturatingTimes(-2) == .min)
    }

    @Test func aStuckMutationComesBeforeAnythingElse() {
        var account = VolumeAccount(sample: VolumeSample(volume: Self.volume, usedBytes: 95, totalBytes: 100, availableBytes: 5))
        account.lines = [AccountLine(kind: .rotatedLogs, name: "system.query_log_0", bytes: 60, freedBy: "", remedy: .cleanup)]
        #expect(NextStep.sentence(for: account).hasPrefix("Drop the rotated system logs"))
        account.notes = [AccountNote(kind: .mutation, subject: "default.traces mutation_3.txt", text: "", warning: true)]
        #expect(NextStep.sentence(for: account).hasPrefix("Look at the stuck mutation default.traces mutation_3.txt"))
    }

    @Test func aMutationIsStuckOnlyAfterFailingTenMinutesAndItsKillNamesItsTable() {
        var facts = Self.facts(active: [("default.traces", 1 << 20)])
        let table = QualifiedTableName("default.traces", defaultDatabase: "default")!
        facts.mutations = [ClickHouseDiskFacts.Mutation(table: table, id: "mutation_7'.txt", command: "DELETE WHERE 1", partsToDo: 2,
                                                        bytesToDo: 1 << 20, createdAt: facts.now - 300, failReason: "Code: 243. NOT_ENOUGH_SPACE",
                                                        failedAt: facts.now - 10)]
        let fresh = ClickHouseAccount.notes(facts)[0]
        #expect(!fresh.warning)
        #expect(fresh.text.contains("KILL MUTATION WHERE database = 'default' AND table = 'traces' AND mutation_id = 'mutation_7\\'.txt'"),
                "\(fresh.text)")
        facts.mutations[0].createdAt = facts.now - 1200
        #expect(ClickHouseAccount.notes(facts)[0].warning)
        facts.mutations[0].failReason = ""
        #expect(!ClickHouseAccount.notes(facts)[0].warning, "a slow mutation that does not fail is not stuck")
    }

    @Test(arguments: [(AccountLine.Kind.systemLogs, "Give the system logs a TTL"), (.notClickHouseData, "Look outside ClickHouse's data"),
                      (.outdatedParts, "Wait:"), (.detachedParts, "Check"), (.langfuseData, "Langfuse's own data fills it")])
    func theLargestShareSaysWhatToDo(kind: AccountLine.Kind, sentence: String) {
        var account = VolumeAccount(sample: VolumeSample(volume: Self.volume, usedBytes: 95, totalBytes: 100, availableBytes: 5))
        account.lines = [AccountLine(kind: .langfuseData, name: "default.traces", bytes: 10, freedBy: "", remedy: .cleanup),
                         AccountLine(kind: kind, name: "x", bytes: 50, freedBy: "", remedy: .operatorOnly)]
        #expect(NextStep.sentence(for: account).hasPrefix(sentence))
        account.sample = VolumeSample(volume: Self.volume, usedBytes: 40, totalBytes: 100, availableBytes: 60)
        #expect(NextStep.sentence(for: account).hasPrefix("Nothing is urgent (40 % used)"))
    }

    @Test(arguments: [("bull:ingestion-queue:1234", "bull:ingestion-queue:…"), ("bull:ingestion-queue:wait", "bull:ingestion-queue:…"),
                      ("session:550e8400-e29b-41d4-a716-446655440000", "session:*"), ("user:42:profile", "user:*:…"), ("plain", "plain"),
                      ("a1b2c3d4e5f6", "*")])
    func keysGroupByTheirFirstTwoFields(key: String, prefix: String) {
        #expect(RedisFacts.prefix(of: key) == prefix)
    }

    @Test func keyGroupsShareTheDatasetExactlyAndAnEvictingPolicyIsFlagged() {
        var facts = RedisFacts()
        facts.usedMemory = 10_000_000
        facts.overheadBytes = 1_000_003
        facts.datasetBytes = 8_999_997
        facts.policy = "allkeys-lru"
        facts.groups = (0..<12).map { RedisFacts.KeyGroup(prefix: "g\($0)", sampledKeys: 3, sampledBytes: Int64(1000 * (12 - $0))) }
        let volume = VolumeSettings(name: "redis", component: .redis, source: .redis)
        let lines = RedisAccount.lines(facts, used: facts.usedMemory, inMemory: true)
        #expect(lines.filter { $0.kind == .keyGroup }.reduce(0) { $0 + $1.bytes } == facts.datasetBytes)
        #expect(lines.last?.bytes == 0)
        #expect(lines.contains { $0.name == "keys (4 smaller groups)" })
        var account = VolumeAccount(sample: VolumeSample(volume: volume, usedBytes: facts.usedMemory, totalBytes: nil, availableBytes: nil))
        account.notes = RedisAccount.notes(facts, inMemory: true)
        #expect(account.notes.first?.kind == .evictionPolicy && account.notes.first?.warning == true)
        #expect(NextStep.sentence(for: account).contains("noeviction"))
        facts.policy = "noeviction"
        #expect(!RedisAccount.notes(facts, inMemory: true).contains { $0.kind == .evictionPolicy })
    }

    @Test func vacuumGivesBackTheDeadTuplesShareOfTheTable() {
        let relation = PostgresFacts.Relation(name: "langfuse.public.t", totalBytes: 300, tableBytes: 200, liveTuples: 30, deadTuples: 10)
        #expect(relation.reclaimableBytes == 50)
        #expect(PostgresFacts.Relation(name: "t", totalBytes: 1, tableBytes: 1, liveTuples: 0, deadTuples: 0).reclaimableBytes == 0)
    }

    @Test func forecastsAreReadFromTheAgentsExpositionAndNonsenseIsPassedOver() {
        let exposition = """
            # HELP lfmaint_volume_full_in_seconds Forecast
            lfmaint_volume_full_in_seconds{volume="clickhouse",pvc="data-x",cluster="c"} 3600
            lfmaint_volume_full_in_seconds{volume="odd \\"name\\", here",cluster="c"} 7.5
            lfmaint_volume_full_in_seconds{volume="redis",cluster="c"} NaN
            lfmaint_volume_full_in_seconds{volume="postgres",cluster="c"} -4
            lfmaint_volume_used_bytes{volume="clickhouse"} 12
            """
        #expect(AgentForecasts.parse(exposition) == ["clickhouse": 3600, "odd \"name\", here": 7.5])
    }
}
