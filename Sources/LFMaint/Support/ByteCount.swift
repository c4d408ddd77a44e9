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
}
