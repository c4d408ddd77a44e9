import Foundation
import LFMaintSupport
import Synchronization

/// `statvfs(2)` on a mounted path: for a sidecar beside the database, or a local install.
struct StatfsSampler: VolumeSource {
    static let name = "statfs"
    static let measuresAnyVolume = true
    static let measuresFileSystem = true

    init() {}
    init(_ context: SamplingContext) {}

    static func missing(in volume: VolumeSettings, key: String) -> ConfigError? {
        volume.path == nil ? ConfigError(key: "\(key).path", "is required for source statfs") : nil
    }

    /// Paths whose statvfs has not returned yet, with when it was called: a hung mount keeps its
    /// thread, and asking again every cycle would pile up one more blocked thread each time.
    private static let pending = Mutex<[String: Double]>([:])

    /// Off the Swift pool: statvfs on a hung network mount blocks its thread.
    func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        do {
            return try await BlockingIO.run { volumes.map(sample) }
        } catch {
            return volumes.map { .unknown($0, "statvfs was stopped: \(error)") }
        }
    }

    func sample(_ volume: VolumeSettings) -> VolumeSample {
        guard let path = volume.path else { return .unknown(volume, "no path configured") }
        let now = MonotonicClock.seconds()
        let blockedSince = Self.pending.withLock { pending -> Double? in
            if let since = pending[path] { return since }
            pending[path] = now
            return nil
        }
        if let blockedSince {
            return .unknown(volume, "statvfs \(path) has not returned for \(Int(now - blockedSince)) s (a hung mount?); not asked again until it does")
        }
        var stats = statvfs()
        let result = statvfs(path, &stats)
        _ = Self.pending.withLock { $0.removeValue(forKey: path) }
        guard result == 0 else {
            return .unknown(volume, "statvfs \(path): \(String(cString: strerror(errno)))")
        }
        // A FUSE or network file system answers what it likes: sizes that overflow 64 bits are unknown.
        let block = UInt64(stats.f_frsize)
        let (total, totalOverflow) = UInt64(stats.f_blocks).multipliedReportingOverflow(by: block)
        let (free, freeOverflow) = UInt64(stats.f_bfree).multipliedReportingOverflow(by: block)
        let (available, availableOverflow) = UInt64(stats.f_bavail).multipliedReportingOverflow(by: block)
        guard !totalOverflow, !freeOverflow, !availableOverflow, let total = Int64(exactly: total), let free = Int64(exactly: free),
              let available = Int64(exactly: available), free <= total,
              let inodes = Int64(exactly: stats.f_files), let inodesFree = Int64(exactly: stats.f_ffree), inodesFree <= inodes else {
            return .unknown(volume, "statvfs \(path) reports impossible numbers (\(stats.f_blocks) blocks of \(stats.f_frsize) bytes); not trusted")
        }
        return .checked(volume, source: "statvfs \(path)", used: total - free, total: total, available: available,
                        inodesUsed: inodes - inodesFree, inodesTotal: inodes)
    }
}

extension VolumeSettings.Source {
    static var statfs: Self { Self(StatfsSampler.self) }
}
