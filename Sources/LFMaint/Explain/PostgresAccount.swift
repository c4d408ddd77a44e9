import LFMaintSupport

/// A Postgres volume's account: its databases largest first, the write-ahead log, and the rest (server
/// logs, temporary files, a WAL lfmaint may not list); notes name the largest relations and what `VACUUM`
/// would give back.
enum PostgresAccount {
    static let databasesShown = 5
    static let relationsNoted = 5

    static func lines(_ facts: PostgresFacts, used: Int64) -> [AccountLine] {
        let sorted = facts.databases.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        var lines = sorted.prefix(databasesShown).map { database in
            AccountLine(kind: .database, name: "database \(database.name)", bytes: database.bytes,
                        freedBy: "the application's own deletes, then VACUUM", remedy: .operatorOnly)
        }
        let others = sorted.dropFirst(databasesShown)
        if !others.isEmpty {
            lines.append(AccountLine(kind: .database, name: "\(others.count) smaller databases", bytes: others.map(\.bytes).saturatingSum,
                                     freedBy: "their owners", remedy: .operatorOnly))
        }
        if let wal = facts.walBytes {
            lines.append(AccountLine(kind: .notDatabaseData, name: "write-ahead log (pg_wal)", bytes: wal,
                                     freedBy: "checkpoints; an inactive replication slot holds it (pg_replication_slots)",
                                     remedy: .operatorOnly))
        }
        let rest = AccountLine(kind: .notDatabaseData, name: facts.walBytes == nil ? "not database data (WAL, logs, temporary files)"
                                   : "not database data (logs, temporary files)",
                               bytes: 0, freedBy: "the server's log rotation; temporary files go with their queries", remedy: .operatorOnly)
        return VolumeAccount.balanced(lines, used: used, rest: rest)
    }

    static func notes(_ facts: PostgresFacts) -> [AccountNote] {
        facts.relations.sorted { $0.totalBytes > $1.totalBytes }.prefix(relationsNoted).map { relation in
            let dead = relation.reclaimableBytes
            let vacuum = dead > 0 ? "; its \(relation.deadTuples) dead tuples hold about \(ByteCount.readable(dead)): "
                + "VACUUM makes that reusable, "
                + "only VACUUM FULL (an exclusive lock) gives it back to the disk" : "; no dead tuples"
            return AccountNote(kind: .relation, subject: relation.name, bytes: relation.totalBytes, freeable: dead,
                               text: "\(ByteCount.readable(relation.totalBytes)) with indexes, \(relation.liveTuples) live tuples\(vacuum)")
        }
    }
}
