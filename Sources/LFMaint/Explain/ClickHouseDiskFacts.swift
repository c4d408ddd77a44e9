import LFMaintSupport

/// What one ClickHouse disk holds, as the server's system tables count it: parts by table (active and
/// outdated), detached parts by reason, merges writing and mutations waiting. Plain values, checked where
/// they entered (`ClickHouseDiskFactsReader`), so that the account is built and tested without a server.
public struct ClickHouseDiskFacts: Sendable, Equatable {
    public struct TableParts: Sendable, Equatable {
        public var table: QualifiedTableName
        public var parts: Int64
        public var rows: Int64
        /// `bytes_on_disk`: every file of the parts but the five ClickHouse leaves out of it.
        public var bytes: Int64
        /// Those five: columns.txt and columns_substreams.txt (large for a wide table: 470 KB a part of
        /// metric_log), checksums.txt, metadata_version.txt, default_compression_codec.txt.
        public var metadataBytes: Int64 = 0
        /// The files ClickHouse lists for the parts (`system.parts.files`: the five not among them).
        public var files: Int64
        /// For the file system's rounding. Wide parts: their column files (a values and a marks file per
        /// stream), of which how many are empty, how many larger than a block, and what the small ones hold.
        public var streamFiles: Int64 = 0
        public var emptyFiles: Int64 = 0
        public var largeStreamFiles: Int64 = 0
        public var smallStreamBytes: Int64 = 0
        /// Compact parts: those of data.bin, its marks and the skip indexes larger than a block.
        public var largeCompactFiles: Int64 = 0
        /// Outdated parts only: when the last of them became outdated (epoch seconds), and how long the
        /// table keeps them (`old_parts_lifetime`).
        public var lastRemoved: Int64 = 0
        public var lifetimeSeconds: Int64 = 0
    }

    public struct Detached: Sendable, Equatable {
        public var table: QualifiedTableName
        /// `system.detached_parts.reason`: empty for a part an operator detached, else why ClickHouse did
        /// (`broken`, `unexpected`, `ignored`, `clone`, `covered-by-broken`…).
        public var reason: String
        public var parts: Int64
        public var bytes: Int64
        /// A few part names, for the statement that drops them.
        public var names: [String]
    }

    public struct Merge: Sendable, Equatable {
        public var table: QualifiedTableName
        /// Bytes of the parts being merged, and the share done (0-1).
        public var sourceBytes: Int64
        public var progress: Double
    }

    public struct Mutation: Sendable, Equatable {
        public var table: QualifiedTableName
        public var id: String
        public var command: String
        public var partsToDo: Int64
        /// Bytes of the active parts it still has to rewrite.
        public var bytesToDo: Int64
        public var createdAt: Int64
        public var failReason: String
        public var failedAt: Int64
    }

    public var path: String
    /// The disk's own figures, read with the parts: used is `total - free`.
    public var totalBytes: Int64 = 0
    public var freeBytes: Int64 = 0
    /// The server's clock (epoch seconds).
    public var now: Int64
    public var active: [TableParts] = []
    public var outdated: [TableParts] = []
    public var detached: [Detached] = []
    public var merges: [Merge] = []
    public var mutations: [Mutation] = []
    /// Free space merges and inserts have reserved (`free_space - unreserved_space`).
    public var reservedBytes: Int64 = 0

    public init(path: String, now: Int64) {
        self.path = path
        self.now = now
    }
}
