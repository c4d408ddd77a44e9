/// A step on several replicas. Just before it runs, every replica is read again: none may lag on the
/// step's table or partition, and a partition goes from no replica unless it is still old on each. Then
/// it runs on each replica that holds the partition in turn (its own checks, the lock renewed between
/// them), or, for a `Replicated…MergeTree` table, on the first holder of each shard: replication carries
/// it to the others, and a second drop of the same parts would be refused while the first is queued.
extension CleanupStepRunner {
    func runOnReplicas(_ step: CleanupStep, _ outcome: CleanupOutcome, queryID: String, now: Int64, replicas: ReplicaSet?) async -> CleanupOutcome {
        var combined = outcome
        guard let replicas else {
            combined.status = .failed
            combined.reason = "the step names replicas but the run found none"
            return combined
        }
        if !SystemLogTables.isEachServersOwn(step.table), let refusal = await notYetEverywhere(step, replicas, now: now) {
            combined.status = refusal.status
            combined.reason = refusal.reason
            return combined
        }
        var reasons: [String] = []
        var statements: [String] = []
        for (index, url) in targets(of: step, in: replicas).enumerated() {
            guard let replica = replicas.replica(url: url) else {
                combined.status = .failed
                reasons.append("\(url) is not among the replicas this run found")
                break
            }
            // Each replica's part takes its own statement timeouts: the lock must outlast each.
            if index > 0, let lock, await !lock.renewIfDue() {
                combined.status = .failed
                combined.lostLock = true
                reasons.append(LockLost().description)
                break
            }
            let runner = CleanupStepRunner(client: replica.client, floor: floor, options: options, lock: lock)
            let (one, executed) = await runner.perform(step, outcome, queryID: "\(queryID)-r\(index + 1)", now: now)
            statements += executed.map { "[\(replica.label)] \($0)" }
            reasons.append("\(replica.label): \(one.reason ?? step.reason)")
            // A refusal after statements ran on another replica is no skip: the step ran in part.
            combined.status = one.status == .skipped && !statements.isEmpty ? .failed : one.status
            combined.pendingBytes = max(combined.pendingBytes, one.pendingBytes)
            combined.lostLock = one.lostLock
            if one.status != .done { break }
        }
        combined.reason = reasons.joined(separator: "; ")
        if !statements.isEmpty { combined.statements = statements }
        return combined
    }

    /// Every holder; for a replicated table the first holder of each shard.
    func targets(of step: CleanupStep, in replicas: ReplicaSet) -> [String] {
        guard step.replicatedEngine else { return step.replicas }
        var shards: Set<Int> = []
        return step.replicas.filter { shards.insert(replicas.replica(url: $0)?.shard ?? 0).inserted }
    }

    /// Nil when the step may run on every replica; otherwise why not, and whether that is a refusal or a failure.
    private func notYetEverywhere(_ step: CleanupStep, _ replicas: ReplicaSet, now: Int64) async -> (status: CleanupOutcome.Status, reason: String)? {
        guard let partition = step.partitionID, step.column != nil else { return (.skipped, "no partition") }
        for replica in replicas.replicas {
            do {
                let catalog = SystemCatalog(client: replica.client)
                let lag = try await catalog.replicationLag(of: step.table).filter { $0.holds(step.table, partition) }
                if !lag.isEmpty {
                    return (.skipped, "\(replica.label) has not caught up (\(lag.map(\.reason).joined(separator: "; "))); it waits for the next run")
                }
                try await step.action.kind.checkAgain(step, catalog: catalog, floor: floor, now: now)
            } catch let refusal as CleanupGuard.Refusal {
                return (.skipped, "\(replica.label): \(refusal.description); kept on every replica")
            } catch {
                return (.failed, "\(replica.label): cannot read the table again before the step: \(error); nothing was run on any replica")
            }
        }
        return nil
    }
}
