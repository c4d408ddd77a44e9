extension VolumeSample {
    /// A sample from a source's raw numbers, or an unknown one naming the impossible number: a server
    /// can lie (a capacity of 0, free space above capacity, negative sizes), and a guard must not act on
    /// a usage of -400 % or trust one of 10 %. `used` defaults to `total - available`.
    static func checked(_ volume: VolumeSettings, source: String, used: Int64?, total: Int64?, available: Int64?,
                               inodesUsed: Int64? = nil, inodesTotal: Int64? = nil) -> VolumeSample {
        if let problem = impossibility(used: used, total: total, available: available) {
            return .unknown(volume, "\(source) reports impossible numbers (\(problem)); not trusted")
        }
        let derivedUsed = used ?? total.flatMap { total in available.map { total - $0 } }
        let inodes = inodesTotal.flatMap { $0 > 0 ? $0 : nil }
        if let inodes, let inodesUsed, !(0...inodes).contains(inodesUsed) {
            return .unknown(volume, "\(source) reports impossible numbers (\(inodesUsed) of \(inodes) inodes used); not trusted")
        }
        return VolumeSample(volume: volume, usedBytes: derivedUsed, totalBytes: total, availableBytes: available,
                            inodesUsed: inodes == nil ? nil : inodesUsed, inodesTotal: inodes)
    }

    private static func impossibility(used: Int64?, total: Int64?, available: Int64?) -> String? {
        if let total, total <= 0 { return "capacity \(total) bytes" }
        if let used, used < 0 { return "used \(used) bytes" }
        if let available, available < 0 { return "available \(available) bytes" }
        if let total, let available, available > total { return "available \(available) bytes of \(total)" }
        if let total, let used, used > total { return "used \(used) bytes of \(total)" }
        return nil
    }
}
