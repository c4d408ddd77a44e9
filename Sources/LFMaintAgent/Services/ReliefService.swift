import Foundation
import LFMaint
import ServiceLifecycle

/// Watches the sampler's runs, grows (with `grow.enabled`) what cleanup cannot relieve, and starts a
/// ClickHouse cleanup when a volume's trigger says so. On
/// SIGTERM a running cleanup is cancelled: it stops between steps (a statement already sent is left
/// to the server, which runs it atomically or not at all) and releases its lock.
struct ReliefService: Service, CustomStringConvertible {
    var description: String { "relief" }
    let work: AgentWork
    let runs: AsyncStream<AgentWork.Cycle>

    func run() async throws {
        var triggers = work.triggers()
        var growth = GrowthMemory()
        defer { growth.stopFollowing() }
        for await cycle in runs.cancelOnGracefulShutdown() {
            let run = cycle.run
            let now = Date().timeIntervalSince1970
            // Growth first, on this cycle's samples: a volume cleaned below is judged on a later cycle's.
            // It never waits for a resize: a task follows each one, and the cleanups go on.
            let turn = await work.grow(run, sampledAt: cycle.sampledAt, history: cycle.history, memory: &growth, follow: false)
            triggers.grown(turn.grown)
            for volume in await work.volumesToClean(run, triggers: &triggers, now: now) {
                let result = await cancelWhenGracefulShutdown { await work.cleanup(volume) }
                let names = CleanupTriggers.volumes(coveredBy: volume, in: run)
                triggers.ran(names, at: Date().timeIntervalSince1970, worked: result.verdict.worked)
                growth.cleanupEnded(result, names: names, at: Date().timeIntervalSince1970)
                if Task.isShuttingDownGracefully { return }
            }
        }
    }
}
