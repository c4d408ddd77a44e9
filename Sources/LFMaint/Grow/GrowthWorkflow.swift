import Foundation
import Logging

/// Grows the PVCs of volumes still over their threshold: reads each PVC and its StorageClass, plans
/// (`GrowthPlanner`), and unless a dry run checks again (`GrowthGuard`), patches, records an Event and a
/// webhook, and waits for the new capacity. Exists only with `grow.enabled`.
public struct GrowthWorkflow: Sendable {
    public let config: Configuration
    public let policy: GrowPolicy
    public let dryRun: Bool
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

    /// `forecasts`: the agent's, by volume name; nil in a single run. `relief`: bytes by volume name
    /// that leave on their own soon (a cleanup's outdated parts).
    public func run(_ samples: [VolumeSample], forecasts: [String: Forecast]?, relief: [String: Int64] = [:]) async -> [GrowthRow] {
        var rows = await plan(samples, forecasts: forecasts, relief: relief)
        guard !dryRun else { return rows }
        for index in rows.indices {
            guard case .grow(let step) = rows[index].decision, let claim = rows[index].claim,
                  let sample = samples.first(where: { $0.volume.name == rows[index].volume.name }) else { continue }
            rows[index].result = await resize(claim, step: step, volume: rows[index].volume, sampledTotal: sample.totalBytes ?? 0)
        }
        return rows
    }

    public func plan(_ samples: [VolumeSample], forecasts: [String: Forecast]?, relief: [String: Int64] = [:]) async -> [GrowthRow] {
        let now = Date().timeIntervalSince1970
        let planner = GrowthPlanner(policy: policy)
        var planned: [String: String] = [:]
        var rows: [GrowthRow] = []
        for sample in samples {
            let volume = sample.volume
            let threshold = Double(config.cleanup.thresholdPercent(for: volume))
            let usage = GrowthPlanner.usage(sample, relief: relief[volume.name] ?? 0)
            var row = GrowthRow(volume: volume, usagePercent: sample.usagePercent, decision: .none("under its threshold"))
            guard let usage, usage >= threshold else {
                if usage == nil {
                    row.decision = sample.status == .unknown ? .wait("usage unknown: \(sample.error ?? "")") : .none("its source measures no capacity")
                }
                rows.append(row)
                continue
            }
            guard let pvc = volume.pvc, let key = row.claimName else {
                row.decision = .refuse("no PVC is known for this volume (set its pvc): lfmaint cannot grow it")
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
                let api = try KubeAPI(settings: config.kubelet, http: http)
                let reader = ClaimReader(api: api)
                let claim = try await reader.claim(namespace: volume.namespace ?? config.namespace, name: pvc)
                row.claim = claim
                row.decision = planner.decide(GrowthPlanner.Input(
                    sample: sample, thresholdPercent: threshold, claim: claim, storageClass: try await reader.storageClass(of: claim),
                    forecast: forecasts.map { $0[volume.name] ?? .tooFewSamples }, expectedReliefBytes: relief[volume.name] ?? 0, now: now))
            } catch {
                row.decision = .refuse("cannot read the PVC: \(error)")
                row.result = .failed("cannot read the PVC: \(error)")
            }
            rows.append(row)
        }
        return rows
    }

    /// Guard, patch, Event, webhook, then wait for the capacity.
    func resize(_ planned: ClaimFacts, step: GrowthStep, volume: VolumeSettings, sampledTotal: Int64) async -> GrowthResult {
        let started = MonotonicClock.seconds()
        let api: KubeAPI
        let patched: ClaimFacts
        do {
            api = try KubeAPI(settings: config.kubelet, http: http)
            let now = Date().timeIntervalSince1970
            let claim = try await ClaimReader(api: api).claim(namespace: planned.namespace, name: planned.name)
            try GrowthGuard.check(step, claim: claim, policy: policy, now: now)
            let record = ResizeRecord(at: Int64(now), fromBytes: step.fromBytes, toBytes: step.toBytes, sampledTotalBytes: sampledTotal)
            patched = try await ClaimWriter(api: api, policy: policy).patch(claim, to: step, record: record)
        } catch {
            logger.error("volume not grown", metadata: ["volume": "\(volume.name)", "error": "\(error)"])
            await notify(volume, "resize-failed", "PVC \(planned.name) not grown (\(step.text)): \(error)")
            return .failed(String(describing: error))
        }
        let writer = ClaimWriter(api: api, policy: policy)
        let requested = "PVC \(patched.name) grown \(step.text) by lfmaint: the volume was over its threshold with nothing more to delete"
        logger.notice("volume resize requested", metadata: ["volume": "\(volume.name)", "pvc": "\(patched.name)", "step": "\(step.text)"])
        await event(writer, patched, .normal, "VolumeResizeRequested", requested)
        await notify(volume, "resize-requested", requested, ["fromBytes": String(step.fromBytes), "toBytes": String(step.toBytes)])
        let result = await waitForCapacity(ClaimReader(api: api), patched, target: step.toBytes, volume: volume, started: started)
        switch result {
        case .resized(let capacity, let seconds):
            let text = "PVC \(patched.name) now has \(KubeQuantity.gibibytes(capacity)) (\(Int(seconds)) s)"
            logger.notice("volume resized", metadata: ["volume": "\(volume.name)", "capacity": "\(capacity)"])
            await event(writer, patched, .normal, "VolumeResizeFinished", text)
            await notify(volume, "resize-finished", text, ["capacityBytes": String(capacity)])
        case .stalled(let why), .failed(let why):
            let text = "PVC \(patched.name) resize \(step.text) \(result.outcome ?? "failed"): \(why)"
            logger.error("volume resize did not finish", metadata: ["volume": "\(volume.name)", "detail": "\(why)"])
            await event(writer, patched, .warning, "VolumeResizeStalled", text)
            await notify(volume, "resize-failed", text)
        case .planned:
            break
        }
        return result
    }

    /// Reads the PVC every `resizePollSeconds` until its capacity reaches the target, Kubernetes calls the
    /// size infeasible, or `resizeTimeoutSeconds` pass (stalled, with the resizer's last word).
    func waitForCapacity(_ reader: ClaimReader, _ claim: ClaimFacts, target: Int64, volume: VolumeSettings, started: Double) async -> GrowthResult {
        let settings = policy.settings
        var last = ResizeProgress.of(claim, target: target)
        var said = ""
        while true {
            switch last {
            case .done(let capacity):
                return .resized(capacityBytes: capacity, seconds: MonotonicClock.seconds() - started)
            case .infeasible(let why):
                return .failed("Kubernetes cannot make the volume this size: \(why)")
            case .underWay(let text), .erroring(let text):
                if text != said {
                    logger.info("resize under way", metadata: ["volume": "\(volume.name)", "progress": "\(text)"])
                    said = text
                }
            }
            guard MonotonicClock.seconds() - started < settings.resizeTimeoutSeconds else {
                return .stalled("no new capacity after \(Int(settings.resizeTimeoutSeconds)) s: \(last.text)")
            }
            do {
                try await Task.sleep(nanoseconds: UInt64(settings.resizePollSeconds * 1e9))
                last = ResizeProgress.of(try await reader.claim(namespace: claim.namespace, name: claim.name), target: target)
            } catch is CancellationError {
                return .stalled("stopped waiting (lfmaint is stopping): \(last.text)")
            } catch {
                logger.warning("cannot read the PVC while it resizes", metadata: ["volume": "\(volume.name)", "error": "\(error)"])
            }
        }
    }

    /// An Event that cannot be recorded (no `create` on events) is logged; the resize goes on.
    private func event(_ writer: ClaimWriter, _ claim: ClaimFacts, _ type: ClaimWriter.EventType, _ reason: String, _ message: String) async {
        do {
            try await writer.event(on: claim, type, reason: reason, message: message, now: Date().timeIntervalSince1970)
        } catch {
            logger.warning("cannot record an Event on the PVC", metadata: ["pvc": "\(claim.name)", "error": "\(error)"])
        }
    }

    private func notify(_ volume: VolumeSettings, _ event: String, _ text: String, _ details: [String: String] = [:]) async {
        await notifier.notify(event, volume: volume.name, text: text, details: details)
    }
}
