import Foundation

/// `statvfs(2)` on a mounted path: for a sidecar beside the database, or a local install.
public struct StatfsSampler: VolumeSampler {
    public init() {}

    public func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        volumes.map(sample)
    }

    public func sample(_ volume: VolumeSettings) -> VolumeSample {
        guard let path = volume.path else { return .unknown(volume, "no path configured") }
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else {
            return .unknown(volume, "statvfs \(path): \(String(cString: strerror(errno)))")
        }
        let blockSize = Int64(stats.f_frsize)
        let total = Int64(stats.f_blocks) * blockSize
        let used = (Int64(stats.f_blocks) - Int64(stats.f_bfree)) * blockSize
        let available = Int64(stats.f_bavail) * blockSize
        let inodes = Int64(stats.f_files)
        return VolumeSample(volume: volume, usedBytes: used, totalBytes: total, availableBytes: available,
                            inodesUsed: inodes > 0 ? inodes - Int64(stats.f_ffree) : nil, inodesTotal: inodes > 0 ? inodes : nil)
    }
}
