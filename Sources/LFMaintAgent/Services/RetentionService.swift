import LFMaint
import Logging
import ServiceLifecycle

/// Every `ttlIntervalSeconds`: plan the TTLs and the event bucket's expiry rule; apply drift with
/// `autoApplyTTL` and `autoApplyLifecycle`, report it otherwise.
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
            do {
                _ = try await work.checkLifecycle()
            } catch {
                logger.error("event bucket lifecycle check failed", metadata: ["error": "\(error)"])
            }
        } while await pause(seconds: work.config.agent.ttlIntervalSeconds)
    }
}
