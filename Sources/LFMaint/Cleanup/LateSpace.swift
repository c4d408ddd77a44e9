import LFMaintEdges
import LFMaintSupport
import Logging

/// Space a rewrite frees comes back late: the parts it replaced stay on disk, outdated, for the table's
/// `old_parts_lifetime` (480 s by default), which guards against losing a merged part that was not yet
/// on disk when the server crashed. For the rewrite of one partition lfmaint keeps that promise
/// another way and claims the space at once:
/// - before the DELETE that precedes it, the table's merged and mutated parts are fsynced (`min_compressed_bytes_to_fsync_after_merge = 1`)
///   and its outdated parts may go at once (`old_parts_lifetime = 0`);
/// - after it, the server's removal of outdated parts is woken (`SYSTEM STOP/START CLEANUP`) until the
///   partition's are gone or the wait is over, and both settings are put back as they were.
/// What is still outdated then is pending relief: counted, never chased with a deeper delete.
/// On a cluster every replica keeps its own outdated parts: there the space is only counted.
struct LateSpace: Sendable {
    let client: ClickHouseClient
    let waitSeconds: Double
    private let logger = Logger(label: "lfmaint.cleanup")
    static let settings = [TableSetting("old_parts_lifetime", 0), TableSetting("min_compressed_bytes_to_fsync_after_merge", 1)]

    /// The table's own values of the settings changed for the rewrite (nil: not set on the table).
    struct Hastened: Sendable {
        let table: QualifiedTableName
        let originals: [String: String]
    }

    /// Before the rewrite; nil on a cluster, or when the table's settings cannot be read (logged). Once
    /// the change is sent it is always put back, even if its answer was lost.
    func prepare(_ table: QualifiedTableName, cluster: ClusterClause) async -> Hastened? {
        guard cluster == .none else { return nil }
        let current: [String: String]
        do {
            let engine = try await SystemCatalog(client: client).facts(for: [table])[table]?.engineFull ?? ""
            current = EngineClauses(engineFull: engine).settings
        } catch {
            logger.warning("cannot read the table's settings; the space comes back on its own", metadata: ["table": "\(table)", "error": "\(error)"])
            return nil
        }
        // A value equal to lfmaint's own is what a run that died mid-wait left behind: it is reset, not kept.
        let originals = current.filter { name, value in Self.settings.contains { $0.name.name == name && String($0.value) != value } }
        if Self.settings.contains(where: { current[$0.name.name] == String($0.value) }) {
            logger.warning("the table holds lfmaint's temporary settings, left by an interrupted run; they are reset afterwards",
                           metadata: ["table": "\(table)"])
        }
        do {
            try await client.execute(.modifySettings(table, Self.settings, .none))
        } catch {
            logger.warning("cannot shorten old_parts_lifetime; the space comes back on its own", metadata: ["table": "\(table)", "error": "\(error)"])
        }
        return Hastened(table: table, originals: originals)
    }

    /// After the rewrite (or its failure): waits for the partition's outdated parts when hastened, puts the
    /// settings back, and says what is left: the bytes the rewrite released (`released`) that outdated
    /// parts still hold, with a note for the outcome.
    func reclaim(_ table: QualifiedTableName, partition: PartitionName, released: Int64, hastened: Hastened?) async -> (pending: Int64, note: String) {
        var left = 0
        if released > 0 { left = await hastened == nil ? outdatedParts(table, partition) : waitForRemoval(table, partition: partition) }
        var note = ""
        if let hastened, await !restore(hastened) {
            note += "; old_parts_lifetime could not be put back: run \(Self.restoreStatements(hastened).map(\.sql).joined(separator: "; "))"
        }
        guard left > 0 else { return (0, hastened == nil || released <= 0 ? note : "; the parts it replaced were removed at once" + note) }
        return (released, "; \(left) outdated parts still hold \(ByteCount.readable(released)); they leave on their own" + note)
    }

    private func outdatedParts(_ table: QualifiedTableName, _ partition: PartitionName) async -> Int {
        (try? await SystemCatalog(client: client).partitionBytes(of: table, partition: partition, active: false).parts) ?? 1
    }

    /// Outdated parts of the partition left when the wait ends (0: all removed).
    private func waitForRemoval(_ table: QualifiedTableName, partition: PartitionName) async -> Int {
        let deadline = ContinuousClock.now + .seconds(waitSeconds)
        var lastReport = ContinuousClock.now
        var left = 1
        while !Task.isCancelled {
            await wakeCleanup(table)
            left = await outdatedParts(table, partition)
            if left == 0 || ContinuousClock.now >= deadline { return left }
            if ContinuousClock.now - lastReport >= .seconds(5) {
                logger.info("waiting for outdated parts to leave the disk", metadata: ["table": "\(table)", "partition": "\(partition)", "parts": "\(left)"])
                lastReport = ContinuousClock.now
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return left
    }

    /// Resuming the table's removal of outdated parts runs it at once. The resume is sent even if
    /// lfmaint is stopping: a table must never be left with it paused.
    private func wakeCleanup(_ table: QualifiedTableName) async {
        // The resume goes out whatever the pause answered: a pause whose answer was lost may have happened.
        _ = try? await client.execute(.cleanupThread(table, running: false))
        await Task {
            for attempt in 1...3 {
                if (try? await client.execute(.cleanupThread(table, running: true))) != nil { return }
                logger.error("cannot resume the removal of outdated parts; retrying",
                             metadata: ["table": "\(table)", "attempt": "\(attempt)", "statement": "SYSTEM START CLEANUP \(table.quoted)"])
                try? await Task.sleep(for: .milliseconds(200))
            }
        }.value
    }

    /// Runs to the end even when lfmaint is stopping.
    private func restore(_ hastened: Hastened) async -> Bool {
        await Task {
            var restored = true
            for statement in Self.restoreStatements(hastened) where (try? await client.execute(statement)) == nil { restored = false }
            return restored
        }.value
    }

    static func restoreStatements(_ hastened: Hastened) -> [ClickHouseStatement] {
        let kept = settings.compactMap { setting in hastened.originals[setting.name.name].flatMap(Int64.init).map { TableSetting(setting.name.name, $0) } }
        let reset = settings.map(\.name).filter { name in !kept.contains { $0.name == name } }
        return (kept.isEmpty ? [] : [.modifySettings(hastened.table, kept, .none)]) + (reset.isEmpty ? [] : [.resetSettings(hastened.table, reset, .none)])
    }
}
