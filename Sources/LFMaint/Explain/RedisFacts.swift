/// What fills Redis: memory against `maxmemory`, the eviction policy, the append-only file, the largest
/// key groups from a bounded sample of keys, and BullMQ's queues (Langfuse's jobs) with their backlogs.
public struct RedisFacts: Sendable, Equatable {
    public struct KeyGroup: Sendable, Equatable {
        /// `bull:ingestion-queue`, `langfuse:prompt`: a key's first two `:` fields, an id-like field as `*`.
        public var prefix: String
        public var sampledKeys: Int64
        public var sampledBytes: Int64
    }

    public struct Queue: Sendable, Equatable {
        public var name: String
        public var waiting: Int64
        public var active: Int64
        public var delayed: Int64
        public var failed: Int64
        public var completed: Int64
    }

    public var usedMemory: Int64 = 0
    public var datasetBytes: Int64 = 0
    public var overheadBytes: Int64 = 0
    public var maxmemory: Int64 = 0
    public var policy = ""
    /// nil: append-only persistence is off.
    public var appendOnlyFileBytes: Int64?
    public var keys: Int64 = 0
    public var groups: [KeyGroup] = []
    /// Why `MEMORY USAGE` gave no sizes (a managed Redis may rename or refuse it); nil when it did.
    public var memoryUsageError: String?
    public var queues: [Queue] = []

    public init() {}

    /// The group a key belongs to: its first two `:` fields, the second as `*` when it looks like an id.
    public static func prefix(of key: String) -> String {
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
