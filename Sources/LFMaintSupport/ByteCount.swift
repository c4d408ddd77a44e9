import Foundation

/// Byte counts for people: 1024-based units, as ClickHouse's formatReadableSize prints them.
public enum ByteCount {
    public static func readable(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\(String(format: "%.2f", value)) \(units[unit])"
    }

    /// GiB as bytes, clamped to Int64 (a cap of 1e300 GB is no cap, not a trap). Negative or NaN: 0.
    public static func bytes(gibibytes: Double) -> Int64 {
        let bytes = gibibytes * Double(1 << 30)
        guard bytes > 0 else { return 0 }
        return bytes >= 9.2e18 ? .max : Int64(bytes)
    }
}
