/// What fills Redis: memory against `maxmemory`, the eviction policy, the append-only file, the largest
/// key groups from a bounded sample of keys, and BullMQ's queues (Langfuse's jobs) with their backlogs.
struct RedisFacts: Sendable, Equatable {
    struct KeyGroup: Sendable, Equatable {
        /// `bull:ingestion-queue`, `langfuse:prompt`: a key's first two `:` fields, an id-like field as `*`.
        var prefix: String
        var sampledKeys: Int64
        var sampledBytes: Int64
    }

    struct Queue: Sendable, Equatable {
        var name: String
        var waiting: Int64
        var active: Int64
        var delayed: Int64
        var failed: Int64
        var completed: Int64
    }

    var usedMemory: Int64 = 0
    var datasetBytes: Int64 = 0
    var overheadBytes: Int64 = 0
    var maxmemory: Int64 = 0
    var policy = ""
    /// nil: append-only persistence is off.
    var appendOnlyFileBytes: Int64?
    var keys: Int64 = 0
    var groups: [KeyGroup] = []
    /// Why `MEMORY USAGE` gave no sizes (a managed Redis may rename or refuse it); nil when it did.
    var memoryUsageError: String?
    var queues: [Queue] = []

    init() {}

    /// The group a key belongs to: its first two `:` fields, the second as `*` when it looks like an id.
    static func prefix(of key: String) -> String {
        let fields = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count > 1 else { return key.count > 40 || looksLikeID(key[...]) ? "*" : key }
        let second = looksLikeID(fields[1]) ? "*" : String(fields[1].prefix(60))
        return "\(fields[0].prefix(60)):\(second)" + (fields.count > 2 ? ":…" : "")
    }

    static func looksLikeID(_ field: Substring) -> Bool {
        guard field.count >= 6 || field.allSatisfy(\.isNumber) else { return false }
        return field.allSatisfy { $0.isHexDigit || $0 == "-" } && field.contains { $0.isNumber }
    }
}
