/// When a volume will be full, from a least-squares line through its recent free-space samples, as
/// Prometheus' `predict_linear` would draw it. Nil unless the volume is filling.
public enum TimeToFull {
    public struct Point: Sendable, Equatable {
        public var time: Double
        public var availableBytes: Double

        public init(time: Double, availableBytes: Double) {
            self.time = time
            self.availableBytes = availableBytes
        }
    }

    /// Fewer points than this give no forecast: two points make any blip a trend.
    public static let minimumPoints = 3

    /// Seconds from `now` until the line reaches zero bytes available (0 if it already has).
    public static func seconds(_ points: [Point], now: Double) -> Double? {
        guard points.count >= minimumPoints else { return nil }
        let count = Double(points.count)
        let meanTime = points.reduce(0) { $0 + $1.time } / count
        let meanAvailable = points.reduce(0) { $0 + $1.availableBytes } / count
        var sumSquares = 0.0, sumProducts = 0.0
        for point in points {
            let dt = point.time - meanTime
            sumSquares += dt * dt
            sumProducts += dt * (point.availableBytes - meanAvailable)
        }
        guard sumSquares > 0 else { return nil }
        let slope = sumProducts / sumSquares
        guard slope < 0 else { return nil }
        let availableNow = meanAvailable + slope * (now - meanTime)
        return max(0, availableNow / -slope)
    }
}

/// The recent samples of every volume, within a sliding window.
public struct SampleHistory: Sendable {
    public let windowSeconds: Double
    private var points: [String: [TimeToFull.Point]] = [:]

    public init(windowSeconds: Double) {
        self.windowSeconds = windowSeconds
    }

    /// Unknown samples are left out: they say nothing about the trend.
    public mutating func record(_ samples: [VolumeSample], at time: Double) {
        for sample in samples {
            guard sample.status == .ok, let available = sample.availableBytes else { continue }
            var series = points[sample.volume.name, default: []]
            series.append(TimeToFull.Point(time: time, availableBytes: Double(available)))
            series.removeAll { $0.time < time - windowSeconds }
            points[sample.volume.name] = series
        }
    }

    public func secondsToFull(_ volume: String, now: Double) -> Double? {
        TimeToFull.seconds(points[volume] ?? [], now: now)
    }
}
