import Foundation

/// Times and durations for people: a UTC timestamp to the second, a duration in its largest whole unit.
public enum TimeText {
    public static func utc(epochSeconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(epochSeconds))
            .formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }

    /// RFC 3339 in UTC (`2026-12-06T05:27:13Z`), as Kubernetes' `metav1.Time` must be written.
    public static func rfc3339(epochSeconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(epochSeconds)).formatted(.iso8601)
    }

    public static func duration(seconds: Int64) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86400) d"
    }
}
