import Foundation
import LFMaint
import ServiceLifecycle

/// Every `intervalSeconds`: sample every volume, forecast, publish, and hand the run to the relief loop.
struct SamplerService: Service, CustomStringConvertible {
    var description: String { "sampler" }
    let work: AgentWork
    let runs: AsyncStream<AgentWork.Cycle>.Continuation

    func run() async throws {
        defer { runs.finish() }
        var history = SampleHistory(windowSeconds: work.config.agent.forecastWindowSeconds)
        repeat {
            let cycle = await work.sample(history: &history, now: Date().timeIntervalSince1970)
            runs.yield(cycle)
        } while await pause(seconds: work.config.agent.intervalSeconds)
    }
}
