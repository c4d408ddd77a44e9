import LFMaintEdges
import LFMaintSupport

/// Where one volume's used bytes went: lines that add up to the used bytes exactly (the last one is
/// the rest nothing else accounts for), notes on what does not take space yet or lies within a line
/// (a mutation's parts, a relation's dead tuples, a queue), a forecast and the next thing to do.
public struct VolumeAccount: Sendable, Equatable {
    var sample: VolumeSample
    var lines: [AccountLine] = []
    var notes: [AccountNote] = []
    /// Seconds until the volume is full, as the agent forecasts it; nil when it is not filling or nothing
    /// has watched it long enough.
    var secondsToFull: Double?
    var nextStep = ""
    /// Why the volume could not be explained (its sample is unknown, or its server did not answer).
    public var error: String?

    init(sample: VolumeSample) {
        self.sample = sample
    }

    public var volume: VolumeSettings { sample.volume }

    /// Bytes per kind, for `lfmaint_volume_bytes{volume, kind}`.
    public var bytesByKind: [(kind: AccountLine.Kind, bytes: Int64)] {
        var sums: [AccountLine.Kind: Int64] = [:]
        for line in lines { sums[line.kind] = [sums[line.kind, default: 0], line.bytes].saturatingSum }
        return AccountLine.Kind.allCases.compactMap { kind in sums[kind].map { (kind, $0) } }
    }

    /// Lines largest first, then the rest: `used` minus every line, so that the lines add up to `used`.
    /// `rest` names the remainder (negative when the lines count a byte twice, as hard links do).
    static func balanced(_ lines: [AccountLine], used: Int64, rest: AccountLine) -> [AccountLine] {
        let accounted = lines.map(\.bytes).saturatingSum
        var remainder = rest
        remainder.bytes = [used, accounted == .min ? .max : -accounted].saturatingSum
        return lines.filter { $0.bytes != 0 }.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) } + [remainder]
    }
}

/// One share of a volume's used bytes.
public struct AccountLine: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case langfuseData = "langfuse_data"
        case systemLogs = "system_logs"
        case rotatedLogs = "rotated_logs"
        case otherTables = "other_tables"
        case outdatedParts = "outdated_parts"
        case detachedParts = "detached_parts"
        case mergesInProgress = "merges_in_progress"
        case filesystemOverhead = "filesystem_overhead"
        case notClickHouseData = "not_clickhouse_data"
        /// The rest below zero: bytes ClickHouse counts in two parts that share the files (hard links).
        case countedTwice = "counted_twice"
        case database
        case notDatabaseData = "not_database_data"
        case keyGroup = "key_group"
        case redisOverhead = "redis_overhead"
        case appendOnlyFile = "append_only_file"
        case notRedisData = "not_redis_data"
        /// The bundled object store's files, which lfmaint does not read inside.
        case objectStoreData = "object_store_data"
    }

    /// What lfmaint does about a line.
    enum Remedy: String, Sendable {
        /// `lfmaint cleanup` frees it in an emergency (expired partitions, rotated logs).
        case cleanup
        /// It goes by itself (outdated parts, finished merges).
        case itself
        /// An operator's call: lfmaint never does it.
        case operatorOnly = "operator"
        /// Nothing frees it short of deleting the product's data.
        case none
    }

    var kind: Kind
    var name: String
    var bytes: Int64
    /// True when the size is an estimate (file-system rounding, a sampled key group), not a count.
    var estimated = false
    /// What frees it, in one phrase.
    var freedBy: String
    var remedy: Remedy
    /// A detail: parts and rows, when outdated parts go, a detached part's reason.
    var detail: String?

    init(kind: Kind, name: String, bytes: Int64, estimated: Bool = false, freedBy: String, remedy: Remedy, detail: String? = nil) {
        self.kind = kind
        self.name = name
        self.bytes = bytes
        self.estimated = estimated
        self.freedBy = freedBy
        self.remedy = remedy
        self.detail = detail
    }
}

/// Something worth knowing that is not a share of the used bytes: space a mutation will need, a relation's
/// dead tuples, Redis's eviction policy, a queue's backlog.
struct AccountNote: Sendable, Equatable {
    enum Kind: String, Sendable {
        case mutation, merges, relation, evictionPolicy = "eviction_policy", memory, keyGroup = "key_group", queue
    }

    var kind: Kind
    var subject: String
    var bytes: Int64?
    /// What acting on it would give back (a relation's dead tuples after VACUUM FULL).
    var freeable: Int64?
    var text: String
    /// Needs the operator's attention (a stuck mutation, an eviction policy that loses jobs, failed jobs).
    var warning = false

    init(kind: Kind, subject: String, bytes: Int64? = nil, freeable: Int64? = nil, text: String, warning: Bool = false) {
        self.kind = kind
        self.subject = subject
        self.bytes = bytes
        self.freeable = freeable
        self.text = text
        self.warning = warning
    }
}
