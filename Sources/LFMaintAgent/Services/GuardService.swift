import Foundation
import LFMaint
import ServiceLifecycle

/// Watches the sampler's runs, grows (with `grow.enabled`) what cleanup cannot relieve, and starts a
/// ClickHouse cleanup when a volume's guard says so. On
/// SIGTERM a running cleanup is cancelled: it stops between steps (a statement already sent is left
/// to the server, which runs it atomically or not at all) and releases its lock.
struct GuardService: Service, CustomStringConvertible {
    var description: String { "guard" }
    let work: AgentWork
    let runs: AsyncStream<AgentWork.Cycle>

    func run() async throws {
        var guards: [String: VolumeGuard] = [:]
        var growth = GrowthMemory()
        defer { growth.stopFollowing() }
        for await cycle in runs.cancelOnGracefulShutdown() {
            let run = cycle.run
            let now = Date().timeIntervalSince1970
            // Growth first, on this cycle's samples: a volume cleaned below is judged on a later cycle's.
            // It never waits for a resize: a task follows each one, and the cleanups go on.
            let turn = await work.grow(run, sampledAt: cycle.sampledAt, history: cycle.history, memory: &growth, follow: false)
            for name in turn.grown { guards[name]?.rearm() }
            for volume in await work.volumesToClean(run, guards: &guards, now: now) {
                let result = await cancelWhenGracefulShutdown { await work.cleanup(volume) }
                let names = work.guardNames(coveredBy: volume, in: run)
                for name in names {
                    guards[name]?.ran(at: Date().timeIntervalSince1970, worked: result.verdict.worked)
                }
                growth.cleanupEnded(result, names: names, at: Date().timeIntervalSince1970)
                if Task.isShuttingDownGracefully { return }
            }
        }
    }
}
