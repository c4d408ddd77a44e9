@testable import LFMaint
@testable import LFMaintAgent
import Testing

/// On several replicas each replica's volume has its own cleanup trigger, and one cleanup works on all of them:
/// the agent starts one, for the fullest, and every replica's trigger learns that it ran.
@Suite("Agent cleanup trigger on replicas")
struct ReplicaTriggerTests {
    func sample(_ pod: String, usage: Int64, replicaOf: String? = "clickhouse") -> VolumeSample {
        var volume = VolumeSettings(name: replicaOf.map { "\($0)@\(pod)" } ?? pod, component: .clickhouse, source: .clickhouse)
        volume.replicaOf = replicaOf
        volume.replica = "http://\(pod):8123"
        return VolumeSample(volume: volume, usedBytes: usage, totalBytes: 100, availableBytes: 100 - usage)
    }

    @Test func replicasOverTheirThresholdGetOneCleanupForTheFullest() async throws {
        var config = Configuration()
        config.clickhouse.clusterEnabled = false
        config.cleanup.thresholdPercent = 90
        let work = try AgentWork(config: config)
        let run = SampleRun(samples: [sample("ch-0", usage: 93), sample("ch-1", usage: 97), sample("ch-2", usage: 40),
                                      sample("other", usage: 95, replicaOf: nil)],
                            sourceUp: [:], durationSeconds: 0)
        var triggers = work.triggers(consecutive: 1)
        let due = await work.volumesToClean(run, triggers: &triggers, now: 0)
        #expect(due.map(\.name) == ["clickhouse@ch-1", "other"])
        #expect(CleanupTriggers.volumes(coveredBy: due[0], in: run) == ["clickhouse@ch-0", "clickhouse@ch-1", "clickhouse@ch-2"])
        #expect(CleanupTriggers.volumes(coveredBy: due[1], in: run) == ["other"])
    }
}
