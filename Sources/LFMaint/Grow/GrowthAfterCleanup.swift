/// The growth step of `lfmaint cleanup`: every volume over its threshold after the cleanup, sampled
/// again. A ClickHouse volume qualifies only when the cleanup ran every allowed step and still ended
/// above (or, in a dry run, is estimated to); the outdated parts it left count as free.
extension GrowthWorkflow {
    public func afterCleanup(_ run: CleanupRun, volumes: [VolumeSettings], clickhouse: ClickHouseClient) async -> [GrowthRow] {
        let clickhouseDone = run.stillAboveThreshold && !run.hasFailures
        let sampled = volumes.filter { $0.component != .clickhouse || clickhouseDone }
        let samples = await SampleWorkflow(config: config, volumes: ReplicaVolumes.configured(sampled), topLimit: 0, clickhouse: clickhouse).run().samples
        let relief = Dictionary(samples.filter { $0.volume.component == .clickhouse }.map { ($0.volume.name, run.pendingBytes) }, uniquingKeysWith: max)
        var rows = await self.run(samples, forecasts: nil, relief: relief)
        if !clickhouseDone, run.hasFailures {
            rows += volumes.filter { $0.component == .clickhouse }.map {
                GrowthRow(volume: $0, usagePercent: nil, decision: .wait("the cleanup did not run every step: no growth before it has"))
            }
        }
        return rows
    }
}
