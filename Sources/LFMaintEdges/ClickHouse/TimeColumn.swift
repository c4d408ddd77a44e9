import LFMaintSupport

/// A column rows are aged by, in its own terms: Date and Date32 hold days, DateTime and DateTime64
/// instants (whatever timezone they display in). Values cross the wire as Int64: days since
/// 1970-01-01, or whole seconds since the epoch (a DateTime64 truncated toward zero).
public struct TimeColumn: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case date, date32, dateTime, dateTime64
    }

    public let name: SQLIdentifier
    public let kind: Kind

    /// Nil for any other type, Nullable and LowCardinality included: a NULL has no age.
    public init?(name: SQLIdentifier, type: String) {
        let base = type.prefix { $0 != "(" }
        switch base {
        case "Date": kind = .date
        case "Date32": kind = .date32
        case "DateTime": kind = .dateTime
        case "DateTime64": kind = .dateTime64
        default: return nil
        }
        self.name = name
    }

    /// The oldest and newest value of the column in each partition, as Int64 (see the type's comment).
    public var minimumSQL: String { "toInt64(\(isDate ? "toInt32" : "toInt64")(min(\(name.quoted))))" }
    public var maximumSQL: String { "toInt64(\(isDate ? "toInt32" : "toInt64")(max(\(name.quoted))))" }

    public var isDate: Bool { kind == .date || kind == .date32 }

    /// Whether a value from the server is one the type can hold (Date32 and DateTime64 run 1900–2299).
    public func holds(_ value: Int64) -> Bool {
        isDate ? (ColumnBound.firstDate32Day...120_529).contains(value) : (-2_208_988_800...10_413_791_999).contains(value)
    }

    /// An instant every row holding `value` is older than. A date is taken to end as late as it does
    /// anywhere on Earth, so that a day is never thought over while it still runs in some timezone.
    public func rowsEnd(newest value: Int64) -> Int64 {
        guard isDate else { return value == .max ? .max : value + 1 }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: 86_400)
        guard !overflow, seconds <= Int64.max - 2 * 86_400 else { return .max }
        return seconds + 86_400 + ColumnBound.latestDayEnd
    }

    /// The bound that removes as many rows as possible and only rows that end by `cutoff`; nil when
    /// none can (a cutoff before the first value the type holds, or one past the range lfmaint writes).
    public func bound(before cutoff: Int64) -> ColumnBound? {
        if isDate {
            let day = (cutoff - ColumnBound.latestDayEnd).dividedRoundingDown(by: 86_400)
            let first: Int64 = kind == .date ? 0 : ColumnBound.firstDate32Day
            guard day > first, day <= ColumnBound.lastDay else { return nil }
            return .day(day)
        }
        guard cutoff > 0, cutoff <= ColumnBound.lastSecond else { return nil }
        return .second(cutoff)
    }
}

/// Where a DELETE stops: rows whose date is before `day`, or whose instant is before `second`.
public enum ColumnBound: Sendable, Equatable {
    case day(Int64)
    case second(Int64)

    /// Timezones run from UTC−12 to UTC+14: 14 hours after midnight UTC, every timezone's day is over.
    static let latestDayEnd: Int64 = 14 * 3600
    static let firstDate32Day: Int64 = -25_567 // 1900-01-01
    static let lastDay: Int64 = 65_535 // 2149-06-06, the last Date
    static let lastSecond: Int64 = 4_294_967_295 // 2106-02-07 06:28:15, the last DateTime

    public var day: Int64? {
        if case .day(let day) = self { return day }
        return nil
    }

    /// An instant every row this bound removes is older than.
    public var rowsEnd: Int64 {
        switch self {
        case .day(let day): day * 86_400 + Self.latestDayEnd
        case .second(let second): second
        }
    }

    /// `toDate32('2026-11-10')` or `toDateTime(1793000000)`: compared as a date with dates, as an instant with instants.
    public var literal: String {
        switch self {
        case .day(let day): "toDate32('\(CivilDate(day: day).text)')"
        case .second(let second): "toDateTime(\(second))"
        }
    }
}

/// A day number as `YYYY-MM-DD` in the proleptic Gregorian calendar (H. Hinnant's days-to-civil).
struct CivilDate {
    let year: Int64, month: Int64, day: Int64

    init(day number: Int64) {
        let z = number + 719_468
        let era = z.dividedRoundingDown(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    var text: String {
        func padded(_ value: Int64, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}

extension Int64 {
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// What a partition's ID proves about every row it holds now or will ever hold, for a key that is a
/// calendar function of the rule's column alone: `toYYYYMM(col)` (IDs like `202611`), `toDate(col)` or
/// `toYYYYMMDD(col)` (`20261130`). Inserts cannot put a newer row into such a partition, whichever
/// replica they reach; on a cluster only such a partition is dropped whole.
public enum PartitionKeyBound {
    /// An instant every row of the partition is older than (its last local day over everywhere), or nil.
    public static func end(key: String, column: SQLIdentifier, id: PartitionName) -> Int64? {
        let compact = key.filter { $0 != " " && $0 != "`" }
        let digits = id.text
        guard digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int64(digits) else { return nil }
        let next: Int64?
        if compact == "toYYYYMM(\(column.name))", digits.count == 6 {
            let (year, month) = (number / 100, number % 100)
            guard (1...12).contains(month) else { return nil }
            next = month == 12 ? CivilDate.dayNumber(year: year + 1, month: 1, day: 1) : CivilDate.dayNumber(year: year, month: month + 1, day: 1)
        } else if compact == "toDate(\(column.name))" || compact == "toYYYYMMDD(\(column.name))", digits.count == 8 {
            let (year, month, day) = (number / 10_000, number / 100 % 100, number % 100)
            guard (1...12).contains(month), (1...31).contains(day) else { return nil }
            next = CivilDate.dayNumber(year: year, month: month, day: day) + 1
        } else {
            next = nil
        }
        return next.map { $0 * 86_400 + ColumnBound.latestDayEnd }
    }
}

extension CivilDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days-from-civil).
    static func dayNumber(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shifted = month <= 2 ? year - 1 : year
        let era = shifted.dividedRoundingDown(by: 400)
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
