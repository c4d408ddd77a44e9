extension Sequence where Element == Int64 {
    /// The sum, held at `Int64.max` (or `.min`) rather than trapping: sizes from many servers' rows can
    /// add up past what one number holds when a server lies.
    public var saturatingSum: Int64 {
        reduce(Int64(0)) { sum, value in
            let (total, overflow) = sum.addingReportingOverflow(value)
            return overflow ? (value > 0 ? .max : .min) : total
        }
    }
}

extension Int64 {
    /// The product, held at `Int64.max` or `.min` rather than trapping.
    public func saturatingTimes(_ other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
