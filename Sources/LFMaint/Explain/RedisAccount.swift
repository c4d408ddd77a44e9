import LFMaintSupport

/// A Redis volume's account. Measured in memory (`source: redis`): the key groups, their sampled sizes
/// scaled to the dataset, plus Redis's own overhead. Measured on disk (a PVC): the append-only file and
/// the rest (RDB snapshots). Notes flag an eviction policy that would drop Langfuse's jobs, and name the
/// queues with a backlog or failed jobs.
enum RedisAccount {
    static let groupsShown = 8

    static func lines(_ facts: RedisFacts, used: Int64, inMemory: Bool) -> [AccountLine] {
        guard inMemory else {
            let aof = facts.appendOnlyFileBytes.map {
                [AccountLine(kind: .appendOnlyFile, name: "append-only file", bytes: $0,
                             freedBy: "its rewrite (BGREWRITEAOF; Redis does it by itself)",
                             remedy: .itself)]
            } ?? []
            return VolumeAccount.balanced(aof, used: used, rest: AccountLine(kind: .notRedisData,
                                                                              name: "RDB snapshots and other files", bytes: 0,
                                                                              freedBy: "the next snapshot replaces the last",
                                                                              remedy: .itself))
        }
        var lines = groupShares(facts).map { group, bytes in
            AccountLine(kind: .keyGroup, name: "keys \(group.prefix)", bytes: bytes, estimated: true,
                        freedBy: group.prefix.hasPrefix("bull:")
                            ? "workers processing the queue; completed and failed jobs by their age limits"
                            : "the keys' expiry or the application", remedy: .operatorOnly,
                        detail: "\(group.sampledKeys) keys sampled")
        }
        lines.append(AccountLine(kind: .redisOverhead, name: "Redis's own overhead (buffers, dictionaries)", bytes: facts.overheadBytes,
                                 freedBy: "fewer keys and clients", remedy: .none))
        return VolumeAccount.balanced(lines, used: used, rest: AccountLine(kind: .notRedisData,
                                                                           name: "not counted by INFO memory", bytes: 0,
                                                                           freedBy: "nothing to free", remedy: .none))
    }

    /// The dataset shared among the largest groups in proportion to their sampled bytes; the smaller groups
    /// share one line, so that the groups add up to the dataset.
    static func groupShares(_ facts: RedisFacts) -> [(RedisFacts.KeyGroup, Int64)] {
        let sampled = facts.groups.map(\.sampledBytes).saturatingSum
        guard sampled > 0, facts.datasetBytes > 0 else {
            return facts.datasetBytes > 0
                ? [(RedisFacts.KeyGroup(prefix: "(no keys sampled)", sampledKeys: 0, sampledBytes: 0), facts.datasetBytes)] : []
        }
        var shown = Array(facts.groups.prefix(groupsShown))
        let others = facts.groups.dropFirst(groupsShown)
        if !others.isEmpty {
            shown.append(RedisFacts.KeyGroup(prefix: "(\(others.count) smaller groups)",
                                             sampledKeys: others.map(\.sampledKeys).saturatingSum,
                                             sampledBytes: others.map(\.sampledBytes).saturatingSum))
        }
        var shares = shown.map { ($0, Int64(Double(facts.datasetBytes) * Double($0.sampledBytes) / Double(sampled))) }
        let rounding = facts.datasetBytes - shares.map(\.1).saturatingSum
        if !shares.isEmpty { shares[0].1 += rounding }
        return shares
    }

    static func notes(_ facts: RedisFacts, inMemory: Bool) -> [AccountNote] {
        var notes: [AccountNote] = []
        if facts.policy != "noeviction" {
            notes.append(AccountNote(kind: .evictionPolicy, subject: "maxmemory-policy",
                                     text: "is \(facts.policy.isEmpty ? "unknown" : facts.policy), not noeviction: "
                                         + "a full Redis drops keys, "
                                         + "and Langfuse's queued jobs with them (CONFIG SET maxmemory-policy noeviction)", warning: true))
        }
        if let refused = facts.memoryUsageError {
            notes.append(AccountNote(kind: .keyGroup, subject: "MEMORY USAGE",
                                     text: "refused (\(refused)): the key groups' sizes are unknown",
                                     warning: true))
        }
        let limit = facts.maxmemory > 0 ? "of maxmemory \(ByteCount.readable(facts.maxmemory))"
            : "with no maxmemory (the pod's memory limit is the limit)"
        notes.append(AccountNote(kind: .memory, subject: "memory", bytes: facts.usedMemory,
                                 text: "\(ByteCount.readable(facts.usedMemory)) used \(limit), \(facts.keys) keys"))
        if !inMemory {
            notes += groupShares(facts).map { group, bytes in
                AccountNote(kind: .keyGroup, subject: group.prefix, bytes: bytes,
                            text: "about \(ByteCount.readable(bytes)) of memory (\(group.sampledKeys) keys sampled)")
            }
        }
        for queue in facts.queues where queue.waiting + queue.active + queue.delayed + queue.failed > 0 {
            notes.append(AccountNote(kind: .queue, subject: queue.name,
                                     text: "\(queue.waiting) waiting, \(queue.active) active, \(queue.delayed) delayed, "
                                         + "\(queue.failed) failed, "
                                         + "\(queue.completed) completed kept", warning: queue.failed > 0))
        }
        return notes
    }
}
