import LFMaintEdges
import LFMaintSupport

/// A ClickHouse volume's account, from its disk's facts and its used bytes: each table's active parts by
/// kind (Langfuse's data, system logs, rotated logs, other tables), outdated and detached parts, merges
/// being written, the file system's rounding, and the rest: what lies on the volume that ClickHouse does
/// not count (backups under `shadow/`, orphaned `store/` data, server logs).
enum ClickHouseAccount {
    /// Every file takes whole blocks: 4 KiB on ext4, xfs and tmpfs alike.
    static let blockBytes: Int64 = 4096
    /// A part has five files `system.parts.files` does not list (checksums.txt, columns.txt…).
    static let unlistedFilesPerPart: Int64 = 5
    /// A small file leaves the rest of its one block unused: a wide part's column files hold what
    /// `system.parts_columns` says; its other files (counts, indexes, checksums…) and a compact part's
    /// small ones hold 150 to 350 bytes on average in Langfuse's parts. A large file wastes half of its last
    /// block on average; an empty one takes none.
    static let otherSmallFileBytes: Int64 = 200
    /// A table's own files (its definition, format_version.txt).
    static let blocksPerTable: Int64 = 2
    /// Tables shown one by one per kind; the smaller ones share a line.
    static let tablesPerKind = 5

    static func lines(_ facts: ClickHouseDiskFacts, used: Int64, langfuseDatabase: String) -> [AccountLine] {
        var lines = tableLines(facts.active, langfuseDatabase: langfuseDatabase)
        lines += outdatedLines(facts)
        lines += detachedLines(facts.detached)
        let writing = facts.merges.map { Int64(Double($0.sourceBytes) * $0.progress) }.saturatingSum
        if writing > 0 {
            lines.append(AccountLine(kind: .mergesInProgress,
                                     name: "merges and mutations being written (\(facts.merges.count))", bytes: writing,
                                     estimated: true, freedBy: "their end: the parts they replace become outdated", remedy: .itself))
        }
        lines.append(AccountLine(kind: .filesystemOverhead, name: "file-system blocks beyond the files' bytes", bytes: overhead(facts),
                                 estimated: true, freedBy: "fewer parts (merges, dropped partitions)", remedy: .itself,
                                 detail: "each of ClickHouse's files takes whole 4 KiB blocks"))
        let rest = AccountLine(kind: .notClickHouseData, name: "not ClickHouse data", bytes: 0,
                               freedBy: "look under \(facts.path): shadow/ (backups: SYSTEM UNFREEZE or remove), orphaned store/ folders, "
                                   + "tmp_* merge folders of a crash, server logs; a file-system reserve counts here too",
                               remedy: .operatorOnly)
        var balanced = VolumeAccount.balanced(lines, used: used, rest: rest)
        if let last = balanced.indices.last, balanced[last].bytes < 0 {
            balanced[last].kind = .countedTwice
            balanced[last].name = "counted twice (files parts share as hard links)"
            balanced[last].freedBy = "nothing: ClickHouse counts shared files once per part"
            balanced[last].remedy = .none
        }
        return balanced
    }

    /// A mutation still failing this long after it was made is stuck: it will not finish by itself.
    static let stuckSeconds: Int64 = 600

    /// Mutations still to run (and the free space each needs, as much again as the parts it rewrites) and
    /// the free space merges hold reserved: none of it is a share of the used bytes yet.
    static func notes(_ facts: ClickHouseDiskFacts) -> [AccountNote] {
        var notes = facts.mutations.map { mutation in
            let failing = !mutation.failReason.isEmpty
            let stuck = failing && facts.now - mutation.createdAt >= stuckSeconds
            let kill = "KILL MUTATION WHERE database = \(ClickHouseLiteral.string(mutation.table.database.name)) AND table = "
                + "\(ClickHouseLiteral.string(mutation.table.table.name)) AND mutation_id = \(ClickHouseLiteral.string(mutation.id))"
            let failure = failing ? "; made \(TimeText.utc(epochSeconds: mutation.createdAt)), failing, last at \(TimeText.utc(epochSeconds: mutation.failedAt)): \(mutation.failReason.prefix(300))"
                + " (\(kill) stops it; a delete it was making must then be run again)" : ""
            return AccountNote(kind: .mutation, subject: "\(mutation.table) \(mutation.id)", bytes: mutation.bytesToDo,
                               text: "\(mutation.command.prefix(200)): \(mutation.partsToDo) parts "
                                   + "(\(ByteCount.readable(mutation.bytesToDo))) "
                                   + "still to rewrite, needing as much free space while it runs\(failure)", warning: stuck)
        }
        if facts.reservedBytes > 0 || !facts.merges.isEmpty {
            notes.append(AccountNote(kind: .merges, subject: "merges", bytes: facts.reservedBytes,
                                     text: "\(facts.merges.count) merges and mutations running; \(ByteCount.readable(facts.reservedBytes)) "
                                         + "of free space reserved for what they write"))
        }
        return notes
    }

    static func kind(of table: QualifiedTableName, langfuseDatabase: String) -> AccountLine.Kind {
        if SystemLogTables.isRotated(table) { return .rotatedLogs }
        if SystemLogTables.isSystemLog(table) { return .systemLogs }
        return table.database.name == langfuseDatabase ? .langfuseData : .otherTables
    }

    private static func tableLines(_ active: [ClickHouseDiskFacts.TableParts], langfuseDatabase: String) -> [AccountLine] {
        let byKind = Dictionary(grouping: active) { kind(of: $0.table, langfuseDatabase: langfuseDatabase) }
        return byKind.sorted { $0.key.rawValue < $1.key.rawValue }.flatMap { kind, tables -> [AccountLine] in
            let sorted = tables.sorted { ($0.bytes, $1.table.description) > ($1.bytes, $0.table.description) }
            var lines = sorted.prefix(tablesPerKind).map { table in
                AccountLine(kind: kind, name: table.table.description, bytes: table.bytes + table.metadataBytes,
                            freedBy: freedBy(kind), remedy: remedy(kind),
                            detail: "\(table.parts) parts, \(table.rows) rows")
            }
            let others = sorted.dropFirst(tablesPerKind)
            if !others.isEmpty {
                lines.append(AccountLine(kind: kind, name: "\(others.count) smaller tables",
                                         bytes: others.flatMap { [$0.bytes, $0.metadataBytes] }.saturatingSum,
                                         freedBy: freedBy(kind), remedy: remedy(kind),
                                         detail: "\(others.map(\.parts).saturatingSum) parts"))
            }
            return lines
        }
    }

    private static func freedBy(_ kind: AccountLine.Kind) -> String {
        switch kind {
        case .langfuseData: "Langfuse's retention: a TTL (lfmaint ttl apply), and in an emergency expired partitions (lfmaint cleanup)"
        case .systemLogs: "a TTL on the log (lfmaint ttl apply); in an emergency lfmaint cleanup drops expired partitions"
        case .rotatedLogs: "dropping the copy: an upgrade left it behind (lfmaint cleanup drops it)"
        default: "the table's owner: lfmaint does not touch other tables"
        }
    }

    private static func remedy(_ kind: AccountLine.Kind) -> AccountLine.Remedy {
        switch kind {
        case .langfuseData, .systemLogs, .rotatedLogs: .cleanup
        default: .operatorOnly
        }
    }

    private static func outdatedLines(_ facts: ClickHouseDiskFacts) -> [AccountLine] {
        facts.outdated.filter { $0.bytes > 0 }.map { parts in
            let goes = parts.lastRemoved + parts.lifetimeSeconds
            let when = goes <= facts.now ? "due now (a query may still hold them)"
                : "all gone by \(TimeText.utc(epochSeconds: goes)) (in \(TimeText.duration(seconds: goes - facts.now)))"
            return AccountLine(kind: .outdatedParts, name: "outdated parts of \(parts.table)", bytes: parts.bytes + parts.metadataBytes,
                               freedBy: "the server, old_parts_lifetime (\(parts.lifetimeSeconds) s) after a merge, "
                                   + "mutation or OPTIMIZE replaced them",
                               remedy: .itself, detail: "\(parts.parts) parts, \(when)")
        }
    }

    private static func detachedLines(_ detached: [ClickHouseDiskFacts.Detached]) -> [AccountLine] {
        detached.filter { $0.bytes > 0 || $0.parts > 0 }.map { group in
            let reason = group.reason.isEmpty ? "detached by hand" : group.reason
            let example = group.names.first.map {
                "ALTER TABLE \(group.table.quoted) DROP DETACHED PART \(ClickHouseLiteral.string($0)) SETTINGS allow_drop_detached = 1"
            }
                ?? "ALTER TABLE … DROP DETACHED PART"
            return AccountLine(kind: .detachedParts, name: "detached parts of \(group.table) (\(reason))", bytes: group.bytes,
                               freedBy: "\(example), once you know you do not need them (lfmaint never runs it)", remedy: .operatorOnly,
                               detail: "\(group.parts) parts" + (group.names.isEmpty ? "" : ": " + group.names.joined(separator: ", ")))
        }
    }

    /// What the file system allocates beyond the files' bytes, estimated per table from its parts' files;
    /// plus the tables' own small files.
    static func overhead(_ facts: ClickHouseDiskFacts) -> Int64 {
        let parts = facts.active + facts.outdated
        let partCount = parts.map(\.parts).saturatingSum
        let waste = parts.map(overhead(of:)).saturatingSum
        let perPart = partCount > 0 ? waste / partCount : unlistedFilesPerPart * blockBytes
        let detached = facts.detached.map(\.parts).saturatingSum.saturatingTimes(perPart)
        let tables = Int64(Set(parts.map(\.table)).count) * blocksPerTable * blockBytes
        return [waste, detached, tables].saturatingSum
    }

    static func overhead(of table: ClickHouseDiskFacts.TableParts) -> Int64 {
        let smallStreams = max(table.streamFiles - table.emptyFiles - table.largeStreamFiles, 0)
        let streamWaste = max(smallStreams * blockBytes - table.smallStreamBytes, 0)
        let others = max(table.files + table.parts * unlistedFilesPerPart - table.streamFiles - table.largeCompactFiles, 0)
        let large = table.largeStreamFiles + table.largeCompactFiles
        return streamWaste + others * (blockBytes - otherSmallFileBytes) + large * blockBytes / 2
    }
}
