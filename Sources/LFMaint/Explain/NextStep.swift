import LFMaintEdges
import LFMaintSupport

/// The next thing to do about a volume, in one sentence, from its account: the largest share something
/// can free, a stuck mutation first, nothing when the volume has room.
enum NextStep {
    /// Below this usage nothing is urgent: the sentence names the largest share and says so.
    static let urgentPercent = 70.0

    static func sentence(for account: VolumeAccount) -> String {
        if let error = account.error { return "Find out why it cannot be explained: \(error.prefix(200))" }
        if let stuck = account.notes.first(where: { $0.kind == .mutation && $0.warning }) {
            return "Look at the stuck mutation \(stuck.subject): "
                + "it has failed for over \(ClickHouseAccount.stuckSeconds / 60) min, retries for ever "
                + "and keeps lfmaint's cleanup off its table; KILL MUTATION (in its note) stops it."
        }
        switch account.volume.component {
        case .clickhouse: return clickhouse(account)
        case .postgres: return postgres(account)
        case .redis: return redis(account)
        case .minio: return calm(account) ?? "Expire Langfuse's raw events: lfmaint s3 plan, then s3 apply (media is never expired)."
        }
    }

    private static func calm(_ account: VolumeAccount) -> String? {
        guard let percent = account.sample.usagePercent, percent < urgentPercent else { return nil }
        let largest = account.lines.max { $0.bytes < $1.bytes }
        return "Nothing is urgent (\(Int(percent)) % used)" + (largest.map { "; the largest share is \($0.name)." } ?? ".")
    }

    private static func clickhouse(_ account: VolumeAccount) -> String {
        if let calm = calm(account) { return calm }
        let actionable: Set<AccountLine.Kind> = [.langfuseData, .systemLogs, .rotatedLogs, .otherTables, .outdatedParts, .detachedParts,
                                                 .notClickHouseData]
        guard let largest = account.lines.filter({ actionable.contains($0.kind) && $0.bytes > 0 }).max(by: { $0.bytes < $1.bytes }) else {
            return "Nothing ClickHouse counts fills it: grow the volume."
        }
        let size = ByteCount.readable(largest.bytes)
        switch largest.kind {
        case .rotatedLogs: return "Drop the rotated system logs (\(size) in \(largest.name)): lfmaint cleanup drops them first."
        case .systemLogs: return "Give the system logs a TTL (lfmaint ttl apply): \(largest.name) holds \(size)."
        case .outdatedParts: return "Wait: \(size) of outdated parts go by themselves (\(largest.detail ?? "soon"))."
        case .detachedParts: return "Check \(largest.name) (\(size)), then drop them: \(largest.freedBy)."
        case .notClickHouseData: return "Look outside ClickHouse's data: \(size) on the volume is not ClickHouse's (\(largest.freedBy))."
        case .otherTables: return "\(largest.name) (\(size)) is not Langfuse's: ask its owner; lfmaint does not touch it."
        default: return "Langfuse's own data fills it (\(largest.name), \(size)): set retention (lfmaint ttl apply), "
            + "in an emergency run lfmaint cleanup, or grow the volume."
        }
    }

    private static func postgres(_ account: VolumeAccount) -> String {
        let used = account.sample.usedBytes ?? 0
        if let wal = account.lines.first(where: { $0.name.hasPrefix("write-ahead log") }), wal.bytes * 3 > used, used > 0 {
            return "The write-ahead log holds \(ByteCount.readable(wal.bytes)): "
                + "look for an inactive replication slot (pg_replication_slots)."
        }
        if let bloated = account.notes.filter({ $0.kind == .relation }).max(by: { ($0.freeable ?? 0) < ($1.freeable ?? 0) }),
           let freeable = bloated.freeable, freeable * 10 > used, used > 0 {
            return "VACUUM FULL \(bloated.subject) (it locks the table) would give back about \(ByteCount.readable(freeable))."
        }
        return calm(account) ?? "Langfuse's Postgres data fills it, and lfmaint frees none of it: grow the volume."
    }

    private static func redis(_ account: VolumeAccount) -> String {
        if account.notes.contains(where: { $0.kind == .evictionPolicy }) {
            return "Set maxmemory-policy to noeviction (CONFIG SET maxmemory-policy noeviction, and in the chart's values): "
                + "Langfuse's queued jobs must not be evicted."
        }
        if let failed = account.notes.first(where: { $0.kind == .queue && $0.warning }) {
            return "Look at the failed jobs of \(failed.subject) (\(failed.text)): they stay in Redis until removed."
        }
        return calm(account) ?? "Langfuse's queues and caches fill it: check that the workers keep up, or raise maxmemory."
    }
}
