import LFMaintEdges

/// The growth step of `lfmaint cleanup`: the ClickHouse volumes still over their threshold after a cleanup
/// that ran every allowed step (or, in a dry run, is estimated to end above), sampled again; the outdated
/// parts the cleanup left count as free. Other volumes are the agent's to grow.
extension GrowthWorkflow {
    public func afterCleanup(_ run: CleanupRun, volumes: [VolumeSettings], clickhouse: ClickHouseClient) async -> [GrowthRow] {
        let clickhouseVolumes = ReplicaVolumes.configured(volumes.filter { $0.component == .clickhouse })
        guard run.stillAboveThreshold else { return [] }
        guard !run.hasFailures else {
            return clickhouseVolumes.map {
                GrowthRow(volume: $0, usagePercent: nil, decision: .wait("the cleanup did not run every step: no growth before it has"))
            }
        }
        let samples = await SampleWorkflow(config: config, volumes: clickhouseVolumes, topLimit: 0, clickhouse: clickhouse).run().samples
        let relief = Dictionary(samples.map { ($0.volume.name, run.pendingBytes) }, uniquingKeysWith: max)
        return await self.run(samples, forecasts: nil, relief: relief).rows
    }
}
