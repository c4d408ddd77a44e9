/// One volume's measurement: bytes (and inodes where the source has them) plus what fills it.
/// A source that could not answer gives `status: .unknown` and no numbers — never zeros.
public struct VolumeSample: Sendable, Equatable {
    public enum Status: String, Sendable { case ok, unknown }

    public var volume: VolumeSettings
    public var status: Status
    var error: String?
    var usedBytes: Int64?
    var totalBytes: Int64?
    var availableBytes: Int64?
    var inodesUsed: Int64?
    var inodesTotal: Int64?
    /// The largest tables, databases or memory figures, largest first.
    var top: [UsageItem] = []

    init(volume: VolumeSettings, usedBytes: Int64?, totalBytes: Int64?, availableBytes: Int64?,
                inodesUsed: Int64? = nil, inodesTotal: Int64? = nil) {
        self.volume = volume
        self.status = .ok
        self.usedBytes = usedBytes
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
        self.inodesUsed = inodesUsed
        self.inodesTotal = inodesTotal
    }

    static func unknown(_ volume: VolumeSettings, _ error: String) -> VolumeSample {
        var sample = VolumeSample(volume: volume, usedBytes: nil, totalBytes: nil, availableBytes: nil)
        sample.status = .unknown
        sample.error = error
        return sample
    }

    /// Share of capacity not available, as `df` and the kubernetes-mixin alert compute it:
    /// `(capacity - available) / capacity`, or `used / capacity` when the source has no "available".
    public var usagePercent: Double? {
        guard status == .ok, let total = totalBytes, total > 0 else { return nil }
        if let available = availableBytes { return Double(total - available) / Double(total) * 100 }
        return usedBytes.map { Double($0) / Double(total) * 100 }
    }

    var inodesUsagePercent: Double? {
        guard status == .ok, let total = inodesTotal, total > 0, let used = inodesUsed else { return nil }
        return Double(used) / Double(total) * 100
    }

    static let bytesPerGB = Double(1 << 30)
    var usedGB: Double? { usedBytes.map { Double($0) / Self.bytesPerGB } }
    var totalGB: Double? { totalBytes.map { Double($0) / Self.bytesPerGB } }
}

/// Something that takes space: a table, a database, a relation, or a memory figure.
struct UsageItem: Sendable, Equatable {
    /// What the item is: the `kind` of the report and of `lfmaint_volume_top_bytes`.
    enum Kind: String, Sendable {
        case table, database, relation, memory
    }

    var name: String
    var bytes: Int64
    var rows: Int64?
    var parts: Int64?
    var kind: Kind

    init(name: String, bytes: Int64, rows: Int64? = nil, parts: Int64? = nil, kind: Kind) {
        self.name = name
        self.bytes = bytes
        self.rows = rows
        self.parts = parts
        self.kind = kind
    }
}

/// What fills a component's volume (ClickHouse tables, Postgres databases, Redis memory), asked
/// once per sample run and attached to every volume of that component.
protocol UsageDetailSource: Sendable {
    func top(limit: Int) async throws -> [UsageItem]
}

/// One source of volume measurements (statfs, system.disks, the kubelet, Postgres, Redis), sampling
/// all the volumes that name it at once. It never throws: a failure is an `.unknown` sample.
protocol VolumeSampler: Sendable {
    func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample]
}
