@testable import LFMaint
@testable import LFMaintAgent
import Testing

@Suite("Time-to-full forecast")
struct TimeToFullTests {
    func line(slope: Double, start: Double, count: Int, step: Double = 60) -> [TimeToFull.Point] {
        (0..<count).map { TimeToFull.Point(time: Double($0) * step, availableBytes: start + slope * Double($0) * step) }
    }

    @Test func aSteadyFillIsForecastExactly() throws {
        // 1 MB/s less free space; 1,000 MB free at t=0, so at t=540 (the last point) 460 MB: 460 s to go.
        let points = line(slope: -1_000_000, start: 1_000_000_000, count: 10)
        let seconds = try #require(TimeToFull.seconds(points, now: 540))
        #expect(abs(seconds - 460) < 1e-6)
        #expect(abs(TimeToFull.seconds(points, now: 600)! - 400) < 1e-6, "forecast from now, not from the last sample")
    }

    @Test func noisyPointsGiveTheLeastSquaresSlope() throws {
        // Free space 1000, 990, 1000, 970, 980 at t = 0…4: mean 988, slope Σ(dt·dv)/Σdt² = -60/10 = -6/s,
        // so the line is at 988 - 6·2 = 976 at t=4: 976/6 s to go.
        let values = [1000.0, 990, 1000, 970, 980]
        let points = values.enumerated().map { TimeToFull.Point(time: Double($0.offset), availableBytes: $0.element) }
        let seconds = try #require(TimeToFull.seconds(points, now: 4))
        #expect(abs(seconds - 976.0 / 6.0) < 1e-9)
    }

    @Test func aVolumeThatIsNotFillingHasNoForecast() {
        #expect(TimeToFull.seconds(line(slope: 0, start: 500, count: 10), now: 600) == nil)
        #expect(TimeToFull.seconds(line(slope: 5, start: 500, count: 10), now: 600) == nil)
        #expect(TimeToFull.seconds(line(slope: -5, start: 500, count: 2), now: 60) == nil, "two points are not a trend")
        #expect(TimeToFull.seconds(Array(repeating: TimeToFull.Point(time: 5, availableBytes: 9), count: 4), now: 5) == nil)
    }

    @Test func anOverdueVolumeIsFullNow() {
        #expect(TimeToFull.seconds(line(slope: -10, start: 100, count: 5, step: 1), now: 1000) == 0)
    }

    @Test func theWindowDropsOldSamplesAndSkipsUnknownOnes() throws {
        var history = SampleHistory(windowSeconds: 100)
        let volume = VolumeSettings(name: "ch", component: .clickhouse, source: .statfs, path: "/x")
        func sample(_ available: Int64) -> VolumeSample {
            VolumeSample(volume: volume, usedBytes: 1000 - available, totalBytes: 1000, availableBytes: available)
        }
        // An old trend of growing free space, then a recent fill: only the fill is inside the window.
        for (time, available) in [(0.0, Int64(100)), (50, 200), (100, 300), (200, 900), (250, 800), (300, 700)] {
            history.record([sample(available)], at: time)
        }
        history.record([.unknown(volume, "down")], at: 310)
        let seconds = try #require(history.secondsToFull("ch", now: 300))
        #expect(abs(seconds - 350) < 1e-9, "700 bytes free, 2 bytes/s")
    }
}

@Suite("Cleanup trigger: when a cleanup runs")
struct CleanupTriggerTests {
    func observe(_ trigger: inout CleanupTrigger, _ usage: Double?, at now: Double) -> CleanupTrigger.Decision {
        trigger.observe(usagePercent: usage, thresholdPercent: 90, targetPercent: 80, now: now)
    }

    @Test func itActsOnlyAfterConsecutiveSamplesOverTheThreshold() {
        var trigger = CleanupTrigger(consecutive: 2, cooldownSeconds: 900)
        #expect(observe(&trigger, 91, at: 0) == .watching(streak: 1, of: 2))
        #expect(observe(&trigger, 89, at: 60) == .calm, "a dip resets the streak")
        #expect(observe(&trigger, 90, at: 120) == .watching(streak: 1, of: 2))
        #expect(observe(&trigger, 95, at: 180) == .cleanup)
    }

    @Test func anUnknownSampleNeverActsAndBreaksTheStreak() {
        var trigger = CleanupTrigger(consecutive: 2, cooldownSeconds: 0)
        #expect(observe(&trigger, 95, at: 0) == .watching(streak: 1, of: 2))
        guard case .hold = observe(&trigger, nil, at: 60) else { Issue.record("unknown must hold"); return }
        #expect(observe(&trigger, 95, at: 120) == .watching(streak: 1, of: 2))
    }

    @Test func afterARunItWaitsForTheTargetThenForTheCooldown() {
        var trigger = CleanupTrigger(consecutive: 1, cooldownSeconds: 900)
        #expect(observe(&trigger, 95, at: 0) == .cleanup)
        trigger.ran(at: 10, worked: true)
        guard case .hold(let reason) = observe(&trigger, 93, at: 70) else { Issue.record("must hold"); return }
        #expect(reason.contains("has not gone under the target"))
        #expect(observe(&trigger, 85, at: 130) == .calm, "under the threshold, over the target: still disarmed")
        guard case .hold = observe(&trigger, 92, at: 190) else { Issue.record("not re-armed above the target"); return }
        #expect(observe(&trigger, 79, at: 250) == .calm)
        guard case .hold(let cooldown) = observe(&trigger, 95, at: 310) else { Issue.record("cooldown must hold"); return }
        #expect(cooldown.contains("cooldown: the next cleanup may run in 600 s"))
        #expect(observe(&trigger, 95, at: 910) == .cleanup)
    }

    @Test func aFailedRunIsRetriedAfterTheCooldownWithoutReArming() {
        var trigger = CleanupTrigger(consecutive: 1, cooldownSeconds: 300)
        #expect(observe(&trigger, 95, at: 0) == .cleanup)
        trigger.ran(at: 0, worked: false)
        guard case .hold = observe(&trigger, 95, at: 60) else { Issue.record("cooldown must hold"); return }
        #expect(observe(&trigger, 95, at: 300) == .cleanup)
    }
}

@Suite("Agent status")
struct AgentStatusTests {
    @Test func aForecastWarnsOncePerCrossingNotEveryCycle() {
        let status = AgentStatus(config: Configuration(), volumes: [])
        let day = 86400.0
        #expect(!status.recordForecast(volume: "ch", secondsToFull: 9 * day, warnBelow: 4 * day))
        #expect(status.recordForecast(volume: "ch", secondsToFull: 3 * day, warnBelow: 4 * day), "crossed: warn")
        #expect(!status.recordForecast(volume: "ch", secondsToFull: 2 * day, warnBelow: 4 * day), "still under: no second warning")
        #expect(!status.recordForecast(volume: "ch", secondsToFull: nil, warnBelow: 4 * day), "stopped filling")
        #expect(status.recordForecast(volume: "ch", secondsToFull: 1 * day, warnBelow: 4 * day), "a new crossing warns again")
        #expect(status.recordForecast(volume: "other", secondsToFull: 1 * day, warnBelow: 4 * day), "volumes are apart")
    }
}
