import Foundation
import LFMaintEdges
import LFMaintSupport
import Logging

/// Grows the PVCs of volumes still over their threshold: reads each PVC and its StorageClass, plans
/// (`GrowthPlanner`), and unless a dry run checks again (`GrowthGuard`), patches, records an Event and a
/// webhook, and follows the resize to its new capacity. Exists only with `grow.enabled`.
public struct GrowthWorkflow: Sendable {
    let config: Configuration
    let policy: GrowPolicy
    let dryRun: Bool
    let http: HTTPClient
    let notifier: WebhookNotifier
    private let logger = Logger(label: "lfmaint.grow")

    public init?(config: Configuration, dryRun: Bool, http: HTTPClient? = nil) {
        guard let policy = config.grow.policy else { return nil }
        self.config = config
        self.policy = policy
        self.dryRun = dryRun
        self.http = http ?? KubeAPI.client(config.kubelet)
        notifier = WebhookNotifier(url: config.agent.webhookURL, cluster: config.clusterName)
    }

    /// A resize asked for: what `follow` needs to see it through.
    public struct Request: Sendable {
        public var volume: VolumeSettings
        var claim: ClaimFacts
        var step: GrowthStep
        let started: Double
    }

    /// `forecasts`: the agent's, by volume name; nil in a single run. `relief`: bytes by volume name that
    /// leave on their own soon (a cleanup's outdated parts). `follow`: wait for each resize here; else the
    /// rows say `requested` and the caller follows the returned requests.
    public func run(_ samples: [VolumeSample], forecasts: [String: Forecast]?, relief: [String: Int64] = [:],
                    follow: Bool = true) async -> (rows: [GrowthRow], requests: [Request]) {
        var rows = await plan(samples, forecasts: forecasts, relief: relief)
        var requests: [Request] = []
        guard !dryRun else { return (rows, []) }
        for index in rows.indices {
            guard case .grow(let step) = rows[index].decision, let claim = rows[index].claim,
                  let sample = samples.first(where: { $0.volume.name == rows[index].volume.name }) else { continue }
            switch await request(claim, step: step, volume: rows[index].volume, sampledTotal: sample.totalBytes ?? 0) {
            case .sent(let request) where follow:
                rows[index].result = await self.follow(request)
            case .sent(let request):
                rows[index].result = .requested
                requests.append(request)
            case .notSent(let result):
                rows[index].result = result
            }
        }
        return (rows, requests)
    }

    func plan(_ samples: [VolumeSample], forecasts: [String: Forecast]?, relief: [String: Int64] = [:]) async -> [GrowthRow] {
        let now = Date().timeIntervalSince1970
        let planner = GrowthPlanner(policy: policy)
        var planned: [String: String] = [:]
        var rows: [GrowthRow] = []
        // Made at the first volume over its threshold: a calm run reads nothing from the API server.
        var reader: ClaimReader?
        var classes: [String: StorageClassFacts] = [:]
        for sample in samples {
            let volume = sample.volume
            let threshold = Double(config.cleanup.thresholdPercent(for: volume))
            var row = GrowthRow(volume: volume, usagePercent: sample.usagePercent, decision: .none("under its threshold"))
            guard let usage = GrowthPlanner.usage(sample, relief: relief[volume.name] ?? 0), usage >= threshold else {
                if sample.usagePercent == nil {
                    row.decision = sample.status == .unknown
                        ? .wait("usage unknown: \(sample.error ?? "")")
                        : .none("its source measures no capacity")
                }
                rows.append(row)
                continue
            }
            guard let pvc = volume.pvc, let key = row.claimName else {
                row.decision = .refuse("no PVC is known for this volume (set its pvc): lfmaint cannot grow it")
                rows.append(row)
                continue
            }
            // Decided without the API server: a Redis volume over its threshold costs no GET.
            if let refusal = GrowthPlanner.refusal(of: volume.source) {
                row.decision = refusal
                rows.append(row)
                continue
            }
            if let first = planned[key] {
                row.decision = .wait("the same PVC as volume \(first)")
                rows.append(row)
                continue
            }
            planned[key] = volume.name
            do {
                let current = try reader ?? ClaimReader(api: api())
                reader = current
                let claim = try await current.claim(namespace: volume.namespace ?? config.namespace, name: pvc)
                row.claim = claim
                let className = claim.storageClass ?? ""
                let storageClass: StorageClassFacts
                if let known = classes[className] { storageClass = known } else { storageClass = try await current.storageClass(of: claim) }
                classes[className] = storageClass
                row.decision = planner.decide(GrowthPlanner.Input(
                    sample: sample, thresholdPercent: threshold, claim: claim, storageClass: storageClass,
                    forecast: forecasts.map { $0[volume.name] ?? .tooFewSamples }, expectedReliefBytes: relief[volume.name] ?? 0, now: now))
            } catch {
                row.decision = .refuse("cannot read the PVC or its StorageClass: \(error)")
                row.result = .failed("cannot read the PVC or its StorageClass: \(error)")
            }
            rows.append(row)
        }
        return rows
    }

    /// The API server with the service account's token as it is now (Kubernetes rotates it).
    private func api() throws -> KubeAPI {
        try KubeAPI(settings: config.kubelet, http: http)
    }

    enum Sending {
        case sent(Request)
        case notSent(GrowthResult)
    }

    /// Reads the PVC again, guards, patches, and records the Event and the webhook.
    func request(_ planned: ClaimFacts, step: GrowthStep, volume: VolumeSettings, sampledTotal: Int64) async -> Sending {
        let started = MonotonicClock.seconds()
        let now = Date().timeIntervalSince1970
        let record = ResizeRecord(at: Int64(now), fromBytes: step.fromBytes, toBytes: step.toBytes, sampledTotalBytes: sampledTotal)
        let writer: ClaimWriter
        let patched: ClaimFacts
        do {
            let api = try api()
            writer = ClaimWriter(api: api, policy: policy)
            let claim = try await ClaimReader(api: api).claim(namespace: planned.namespace, name: planned.name)
            try GrowthGuard.check(step, claim: claim, sampledTotal: sampledTotal, policy: policy, now: now)
            patched = try await patch(writer, claim, step: step, record: record)
        } catch is CancellationError {
            return .notSent(.abandoned("lfmaint stopped before the patch was answered; the PVC says whether it was applied"))
        } catch let error as GrowthError {
            if case .changed(let why) = error {
                logger.notice("volume not grown: its PVC changed", metadata: ["volume": "\(volume.name)", "detail": "\(why)"])
                return .notSent(.skipped(String(describing: error)))
            }
            return .notSent(await notGrown(volume, planned, step, error))
        } catch {
            return .notSent(await notGrown(volume, planned, step, error))
        }
        let text = "PVC \(patched.name) grown \(step.text) by lfmaint: the volume was over its threshold with nothing more to delete"
        logger.notice("volume resize requested", metadata: ["volume": "\(volume.name)", "pvc": "\(patched.name)", "step": "\(step.text)"])
        await event(writer, patched, .normal, "VolumeResizeRequested", text)
        await notify(volume, .resizeRequested, text, ["fromBytes": String(step.fromBytes), "toBytes": String(step.toBytes)])
        return .sent(Request(volume: volume, claim: patched, step: step, started: started))
    }

    /// A patch whose answer was lost (a timeout, a body that is not a PVC) may still have been applied:
    /// the PVC is read again, and lfmaint's record on it says.
    private func patch(_ writer: ClaimWriter, _ claim: ClaimFacts, step: GrowthStep, record: ResizeRecord) async throws -> ClaimFacts {
        do {
            return try await writer.patch(claim, to: step, record: record)
        } catch GrowthError.changed(let why) {
            throw GrowthError.changed(why)
        } catch {
            let again = try? await ClaimReader(api: writer.api).claim(namespace: claim.namespace, name: claim.name)
            guard let again, again.lastResizeAnnotation == record.text else { throw error }
            logger.warning("the patch's answer was lost, but the PVC has it", metadata: ["pvc": "\(claim.name)", "error": "\(error)"])
            return again
        }
    }

    private func notGrown(_ volume: VolumeSettings, _ claim: ClaimFacts, _ step: GrowthStep, _ error: Error) async -> GrowthResult {
        logger.error("volume not grown", metadata: ["volume": "\(volume.name)", "error": "\(error)"])
        await notify(volume, .resizeFailed, "PVC \(claim.name) not grown (\(step.text)): \(error)")
        return .failed(String(describing: error))
    }

    /// Reads the PVC every `resizePollSeconds` until its capacity reaches the target, Kubernetes calls the
    /// size infeasible, or `resizeTimeoutSeconds` pass (stalled, with the resizer's last word); then the
    /// Event and the webhook. Cancelled (lfmaint stopping): abandoned, with nothing sent.
    public func follow(_ request: Request) async -> GrowthResult {
        let result = await waitForCapacity(request)
        let name = request.claim.name
        let volume = request.volume
        guard let api = try? api() else { return result }
        let writer = ClaimWriter(api: api, policy: policy)
        switch result {
        case .resized(let capacity, let seconds):
            let text = "PVC \(name) now has \(KubeQuantity.text(capacity)) (\(Int(seconds)) s)"
            logger.notice("volume resized", metadata: ["volume": "\(volume.name)", "capacity": "\(capacity)"])
            await event(writer, request.claim, .normal, "VolumeResizeFinished", text)
            await notify(volume, .resizeFinished, text, ["capacityBytes": String(capacity)])
        case .stalled(let why), .failed(let why):
            let text = "PVC \(name) resize \(request.step.text) \(result.outcome?.rawValue ?? "failed"): \(why)"
            logger.error("volume resize did not finish", metadata: ["volume": "\(volume.name)", "detail": "\(why)"])
            await event(writer, request.claim, .warning, "VolumeResizeStalled", text)
            await notify(volume, .resizeFailed, text)
        case .abandoned(let why):
            logger.notice("stopped waiting for a resize", metadata: ["volume": "\(volume.name)", "detail": "\(why)"])
        case .planned, .requested, .skipped:
            break
        }
        return result
    }

    private func waitForCapacity(_ request: Request) async -> GrowthResult {
        let settings = policy.settings
        let target = request.step.toBytes
        var last = ResizeProgress.of(request.claim, target: target)
        var said = ""
        while true {
            switch last {
            case .done(let capacity):
                return .resized(capacityBytes: capacity, seconds: MonotonicClock.seconds() - request.started)
            case .infeasible(let why):
                return .failed("Kubernetes cannot make the volume this size: \(why)")
            case .underWay(let text), .erroring(let text):
                if text != said {
                    logger.info("resize under way", metadata: ["volume": "\(request.volume.name)", "progress": "\(text)"])
                    said = text
                }
            }
            guard MonotonicClock.seconds() - request.started < settings.resizeTimeoutSeconds else {
                let warning = await lastWarning(request.claim)
                return .stalled("no new capacity after \(Int(settings.resizeTimeoutSeconds)) s: \(last.text)\(warning)")
            }
            do {
                try await Task.sleep(nanoseconds: UInt64(settings.resizePollSeconds * 1e9))
                let claim = try await ClaimReader(api: api()).claim(namespace: request.claim.namespace, name: request.claim.name)
                last = ResizeProgress.of(claim, target: target)
            } catch is CancellationError {
                return .abandoned("lfmaint stopped waiting; the resize goes on without it: \(last.text)")
            } catch {
                logger.warning("cannot read the PVC while it resizes", metadata: ["volume": "\(request.volume.name)", "error": "\(error)"])
            }
        }
    }

    /// The PVC's last Warning Event, for a stalled resize's report; nothing when there is none or it cannot
    /// be read (no `list` on events).
    private func lastWarning(_ claim: ClaimFacts) async -> String {
        guard let reader = try? ClaimReader(api: api()), let warning = try? await reader.lastWarning(of: claim) else { return "" }
        return "; the PVC's last Warning Event: \(warning)"
    }

    /// An Event that cannot be recorded (no `create` on events) is logged; the resize goes on.
    private func event(_ writer: ClaimWriter, _ claim: ClaimFacts, _ type: ClaimWriter.EventType, _ reason: String,
                       _ message: String) async {
        do {
            try await writer.event(on: claim, type, reason: reason, message: message, now: Date().timeIntervalSince1970)
        } catch {
            logger.warning("cannot record an Event on the PVC", metadata: ["pvc": "\(claim.name)", "error": "\(error)"])
        }
    }

    private func notify(_ volume: VolumeSettings, _ event: WebhookEvent, _ text: String, _ details: [String: String] = [:]) async {
        await notifier.notify(event, volume: volume.name, text: text, details: details)
    }
}
