import LFMaintEdges
import LFMaintSupport

/// Space that outdated parts of rewritten partitions still hold, by partition and replica, until they are gone.
struct PendingRelief: Sendable {
    private struct Entry: Sendable {
        let table: QualifiedTableName
        let partition: PartitionName
        /// nil: the one server.
        let replica: String?
        let released: Int64
        var bytes: Int64
    }

    private var entries: [String: Entry] = [:]

    /// What one replica's outdated parts still hold (nil: the one server's): only the volume measured
    /// counts it, never another replica's.
    func bytes(on replica: String?) -> Int64 {
        entries.values.filter { $0.replica == replica }.reduce(0) { $0 + $1.bytes }
    }

    /// A rewrite released `released` bytes on each of `replicas` (none: the one server).
    mutating func add(_ table: QualifiedTableName, _ partition: PartitionName, _ released: Int64, replicas: [String]) {
        for replica in replicas.isEmpty ? [nil] : replicas.map(Optional.some) {
            entries["\(replica ?? "")#\(table)#\(partition)"] = Entry(table: table, partition: partition, replica: replica, released: released,
                                                                       bytes: released)
        }
    }

    /// What each partition's outdated parts still hold on its server, never more than its rewrite released
    /// (the measurement already shows what has left the disk); partitions with none left are forgotten.
    mutating func refresh(_ catalog: (String?) -> SystemCatalog?) async {
        for (key, entry) in entries {
            guard let catalog = catalog(entry.replica),
                  let outdated = try? await catalog.partitionBytes(of: entry.table, partition: entry.partition, active: false) else { continue }
            if outdated.parts == 0 {
                entries[key] = nil
            } else {
                entries[key]?.bytes = min(entry.released, outdated.bytes)
            }
        }
    }
}
