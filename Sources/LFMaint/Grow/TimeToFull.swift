/// When a volume will be full, from a least-squares line through its recent free-space samples, as
/// Prometheus' `predict_linear` would draw it. Nil unless the volume is filling.
enum TimeToFull {
    struct Point: Sendable, Equatable {
        var time: Double
        var availableBytes: Double

        init(time: Double, availableBytes: Double) {
            self.time = time
            self.availableBytes = availableBytes
        }
    }

    /// Fewer points than this give no forecast: two points make any blip a trend.
    static let minimumPoints = 3

    /// What the line through the points says: full in so many seconds from `now` (0 if it already is),
    /// not filling, or nothing yet.
    static func forecast(_ points: [Point], now: Double) -> Forecast {
        guard points.count >= minimumPoints else { return .tooFewSamples }
        let count = Double(points.count)
        let meanTime = points.reduce(0) { $0 + $1.time } / count
        let meanAvailable = points.reduce(0) { $0 + $1.availableBytes } / count
        var sumSquares = 0.0, sumProducts = 0.0
        for point in points {
            let dt = point.time - meanTime
            sumSquares += dt * dt
            sumProducts += dt * (point.availableBytes - meanAvailable)
        }
        guard sumSquares > 0 else { return .tooFewSamples }
        let slope = sumProducts / sumSquares
        guard slope < 0 else { return .notFilling }
        let availableNow = meanAvailable + slope * (now - meanTime)
        return .fillsIn(seconds: max(0, availableNow / -slope))
    }

    /// Seconds from `now` until the line reaches zero bytes available; nil unless the volume is filling.
    static func seconds(_ points: [Point], now: Double) -> Double? {
        forecast(points, now: now).seconds
    }
}

public enum Forecast: Sendable, Equatable {
    case fillsIn(seconds: Double)
    case notFilling
    /// Fewer than `TimeToFull.minimumPoints` samples, or all at one time.
    case tooFewSamples

    var seconds: Double? {
        if case .fillsIn(let seconds) = self { seconds } else { nil }
    }
}

/// The recent samples of every volume, within a sliding window.
public struct SampleHistory: Sendable {
    let windowSeconds: Double
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
        forecast(volume, now: now).seconds
    }

    /// `since`: only the samples from then on (after a cleanup, whose drop is no trend).
    public func forecast(_ volume: String, now: Double, since: Double? = nil) -> Forecast {
        let series = points[volume] ?? []
        return TimeToFull.forecast(since.map { start in series.filter { $0.time >= start } } ?? series, now: now)
    }
}
