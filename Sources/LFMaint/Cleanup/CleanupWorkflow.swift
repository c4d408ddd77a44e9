import LFMaintEdges
import LFMaintSupport

/// `lfmaint cleanup` from configuration to outcome: measure the ClickHouse volume, decide, lock,
/// read the partitions, plan, and run (or, with --dry-run, only say what it would run).
public struct CleanupWorkflow: Sendable {
    public enum CleanupError: Error, Equatable, CustomStringConvertible {
        case unknownUsage(String)
        case unknownReplica(String)
        case noVolume

        public var description: String {
            switch self {
            case .unknownUsage(let detail): "the ClickHouse volume's usage is unknown (\(detail)); nothing was deleted"
            case .unknownReplica(let detail): "a ClickHouse replica is unknown (\(detail)); nothing was deleted"
            case .noVolume: "no ClickHouse volume is configured (volumes with component: clickhouse)"
            }
        }
    }

    let config: Configuration
    let client: ClickHouseClient
    let options: CleanupExecutor.Options
    let volumes: [VolumeSettings]

    public init(config: Configuration, client: ClickHouseClient, options: CleanupExecutor.Options, statfs: [String] = []) throws {
        self.init(config: config, client: client, options: options,
                  volumes: try SampleTargets.volumes(config: config, statfs: statfs).filter { $0.component == .clickhouse })
    }

    /// A replica's volume stands for the volume it was made from: the run measures every replica.
    public init(config: Configuration, client: ClickHouseClient, options: CleanupExecutor.Options, volumes: [VolumeSettings]) {
        self.config = config
        self.client = client
        self.options = options
        self.volumes = ReplicaVolumes.configured(volumes)
    }

    public func run() async throws -> CleanupRun {
        guard !volumes.isEmpty else { throw CleanupError.noVolume }
        try await client.require(.lightweightDelete)
        let sampling = SampleWorkflow(config: config, volumes: volumes, topLimit: 0, clickhouse: client)
        let sampled = await sampling.run()
        // Several replicas are each addressed on their own, with no ON CLUSTER: distributed DDL is not needed.
        let replicas = sampled.replicas.flatMap { $0.isSingle ? nil : $0 }
        if replicas == nil { try await client.requireClusterReady() }
        if let failure = sampled.replicas?.failure { throw CleanupError.unknownReplica(failure) }
        let first = sampled.samples
        guard let reading = VolumeReading(fullestOf: first) else {
            throw CleanupError.unknownUsage(Self.whyUnknown(first))
        }
        let usage = reading.usage
        let tables = try await SystemCatalog(client: client).tableEngines(in: SQLIdentifier(config.clickhouse.database)!)
        let rules = RetentionPolicy.scope(for: config, serverTables: tables).rules
        let planner = CleanupPlanner(policy: CleanupPolicy(config: config, rules: rules, volume: reading.volume),
                                     cluster: replicas == nil ? client.cluster : .none)
        if usage < Double(planner.policy.thresholdPercent), !options.dryRun {
            return CleanupRun(thresholdPercent: planner.policy.thresholdPercent, targetPercent: planner.policy.targetPercent, before: usage,
                              after: usage, dryRun: false,
                              conclusion: "usage \(Percent.text(usage)) is under the threshold \(planner.policy.thresholdPercent)%: nothing to do")
        }
        // One lock for the cluster: on the replica the cluster lists first, whichever replica this run reached.
        let lock = options.dryRun ? nil : try await CleanupLock.acquire(
            postgres: config.postgres, clickhouse: replicas?.lockHolder?.client ?? client, database: SQLIdentifier(config.clickhouse.database)!,
            cluster: config.clusterName, expirySeconds: max(3600, Int(2 * options.settings.statementTimeoutSeconds)))
        var run: CleanupRun
        do {
            // Another run may have freed space while this one waited for the lock: measure again, under it.
            let reading = lock == nil ? reading : try await freshReading(sampling, replicas: sampled.replicas)
            if reading.usage < Double(planner.policy.thresholdPercent), !options.dryRun {
                await lock?.release()
                return CleanupRun(thresholdPercent: planner.policy.thresholdPercent, targetPercent: planner.policy.targetPercent, before: usage,
                                  after: reading.usage, dryRun: false, conclusion: "usage \(Percent.text(reading.usage)) is under the threshold "
                                    + "\(planner.policy.thresholdPercent)% once the lock was taken: nothing to do")
            }
            let state = if let replicas {
                try await ReplicaStateReader(replicas: replicas).state(rules: rules)
            } else {
                try await CleanupStateReader(client: client).state(rules: rules)
            }
            let executor = CleanupExecutor(client: client, policy: planner.policy, options: options, audit: CleanupAudit(postgres: config.postgres),
                                           lock: lock, replicas: replicas,
                                           measure: { await Self.measure(sampling, replicas: sampled.replicas) })
            run = await executor.run(planner.plan(state), before: reading)
        } catch {
            await lock?.release()
            throw error
        }
        await lock?.release()
        if options.dryRun, usage < Double(planner.policy.thresholdPercent) {
            run.conclusion = "usage \(Percent.text(usage)) is under the threshold \(planner.policy.thresholdPercent)%: a real run would do nothing; above it, it would run these steps"
        }
        return run
    }

    /// The sources' own reasons, or, when each answered without a capacity, that.
    static func whyUnknown(_ samples: [VolumeSample]) -> String {
        let errors = samples.compactMap(\.error)
        if !errors.isEmpty { return errors.joined(separator: "; ") }
        let names = samples.map(\.volume.name).joined(separator: ", ")
        return "\(names.isEmpty ? "no volume" : names) reported no capacity; a ClickHouse volume needs source clickhouse, kubelet or statfs"
    }

    /// A reading of the same servers as before; nil (the run stops) when any of them no longer answers,
    /// even while the kubelet still measures its volume. A replica whose `system.disks` was just read has
    /// answered; only the others are asked.
    /// `replicas`: the set the first sample found (one server, or several), measured again as it is, never
    /// looked up anew.
    static func measure(_ sampling: SampleWorkflow, replicas: ReplicaSet?) async -> VolumeReading? {
        let samples = await sampling.run(replicas: replicas).samples
        let answered = Set(samples.filter { $0.status == .ok && $0.volume.source == .clickhouse }.compactMap(\.volume.replica))
        if let replicas, !replicas.isSingle,
           await !replicas.allAnswer(within: ClickHouseReplicas.answerSeconds, except: answered) { return nil }
        return VolumeReading(fullestOf: samples)
    }

    private func freshReading(_ sampling: SampleWorkflow, replicas: ReplicaSet?) async throws -> VolumeReading {
        let samples = await sampling.run(replicas: replicas).samples
        guard let reading = VolumeReading(fullestOf: samples) else {
            throw CleanupError.unknownUsage(Self.whyUnknown(samples))
        }
        return reading
    }
}
