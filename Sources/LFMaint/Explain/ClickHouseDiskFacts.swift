import LFMaintSupport

/// What one ClickHouse disk holds, as the server's system tables count it: parts by table (active and
/// outdated), detached parts by reason, merges writing and mutations waiting. Plain values, checked where
/// they entered (`ClickHouseDiskFactsReader`), so that the account is built and tested without a server.
struct ClickHouseDiskFacts: Sendable, Equatable {
    struct TableParts: Sendable, Equatable {
        var table: QualifiedTableName
        var parts: Int64
        var rows: Int64
        /// `bytes_on_disk`: every file of the parts but the five ClickHouse leaves out of it.
        var bytes: Int64
        /// Those five: columns.txt and columns_substreams.txt (large for a wide table: 470 KB a part of
        /// metric_log), checksums.txt, metadata_version.txt, default_compression_codec.txt.
        var metadataBytes: Int64 = 0
        /// The files ClickHouse lists for the parts (`system.parts.files`: the five not among them).
        var files: Int64
        /// For the file system's rounding. Wide parts: their column files (a values and a marks file per
        /// stream), of which how many are empty, how many larger than a block, and what the small ones hold.
        var streamFiles: Int64 = 0
        var emptyFiles: Int64 = 0
        var largeStreamFiles: Int64 = 0
        var smallStreamBytes: Int64 = 0
        /// Compact parts: those of data.bin, its marks and the skip indexes larger than a block.
        var largeCompactFiles: Int64 = 0
        /// Outdated parts only: when the last of them became outdated (epoch seconds), and how long the
        /// table keeps them (`old_parts_lifetime`).
        var lastRemoved: Int64 = 0
        var lifetimeSeconds: Int64 = 0
    }

    struct Detached: Sendable, Equatable {
        var table: QualifiedTableName
        /// `system.detached_parts.reason`: empty for a part an operator detached, else why ClickHouse did
        /// (`broken`, `unexpected`, `ignored`, `clone`, `covered-by-broken`…).
        var reason: String
        var parts: Int64
        var bytes: Int64
        /// A few part names, for the statement that drops them.
        var names: [String]
    }

    struct Merge: Sendable, Equatable {
        var table: QualifiedTableName
        /// Bytes of the parts being merged, and the share done (0-1).
        var sourceBytes: Int64
        var progress: Double
    }

    struct Mutation: Sendable, Equatable {
        var table: QualifiedTableName
        var id: String
        var command: String
        var partsToDo: Int64
        /// Bytes of the active parts it still has to rewrite.
        var bytesToDo: Int64
        var createdAt: Int64
        var failReason: String
        var failedAt: Int64
    }

    var path: String
    /// The disk's own figures, read with the parts: used is `total - free`.
    var totalBytes: Int64 = 0
    var freeBytes: Int64 = 0
    /// The server's clock (epoch seconds).
    var now: Int64
    var active: [TableParts] = []
    var outdated: [TableParts] = []
    var detached: [Detached] = []
    var merges: [Merge] = []
    var mutations: [Mutation] = []
    /// Free space merges and inserts have reserved (`free_space - unreserved_space`).
    var reservedBytes: Int64 = 0

    init(path: String, now: Int64) {
        self.path = path
        self.now = now
    }
}
