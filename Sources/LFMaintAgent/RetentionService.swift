import Logging
import LFMaint
import ServiceLifecycle

/// Every `ttlIntervalSeconds`: plan the TTLs, apply drift with `autoApplyTTL`, report it otherwise.
struct RetentionService: Service, CustomStringConvertible {
    var description: String { "retention" }
    let work: AgentWork
    private let logger = Logger(label: "lfmaint.agent")

    init(work: AgentWork) {
        self.work = work
    }

    func run() async throws {
        repeat {
            do {
                _ = try await work.checkTTL()
            } catch {
                logger.error("TTL check failed", metadata: ["error": "\(error)"])
            }
        } while await pause(seconds: work.config.agent.ttlIntervalSeconds)
    }
}
