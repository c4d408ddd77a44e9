import Foundation
import LFMaint
import ServiceLifecycle

/// Watches the sampler's runs and starts a ClickHouse cleanup when a volume's guard says so. On
/// SIGTERM a running cleanup is cancelled: it stops between steps (a statement already sent is left
/// to the server, which runs it atomically or not at all) and releases its lock.
struct GuardService: Service, CustomStringConvertible {
    var description: String { "guard" }
    let work: AgentWork
    let runs: AsyncStream<SampleRun>

    func run() async throws {
        var guards: [String: VolumeGuard] = [:]
        for await run in runs.cancelOnGracefulShutdown() {
            let now = Date().timeIntervalSince1970
            for volume in await work.volumesToClean(run, guards: &guards, now: now) {
                let result = await cancelWhenGracefulShutdown { await work.cleanup(volume) }
                for name in work.guardNames(coveredBy: volume, in: run) {
                    guards[name]?.ran(at: Date().timeIntervalSince1970, worked: result.verdict.worked)
                }
                if Task.isShuttingDownGracefully { return }
            }
        }
    }
}
