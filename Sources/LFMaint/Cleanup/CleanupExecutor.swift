import Foundation
import Logging

/// One measurement of the volume the cleanup works on.
public struct VolumeReading: Sendable, Equatable {
    public var volume: VolumeSettings
    public var usage: Double
    public var available: Int64
    public var used: Int64
    public var total: Int64

    /// The fullest of the samples; nil when any of them is unknown (an unknown sample never deletes).
    public init?(fullestOf samples: [VolumeSample]) {
        guard !samples.isEmpty, samples.allSatisfy({ $0.status == .ok }),
              let fullest = samples.max(by: { ($0.usagePercent ?? 0) < ($1.usagePercent ?? 0) }),
              let usage = fullest.usagePercent, let total = fullest.totalBytes, let available = fullest.availableBytes else { return nil }
        self.volume = fullest.volume
        self.usage = usage
        self.available = available
        self.used = total - available
        self.total = total
    }
}

/// Runs a cleanup plan step by step: each step passes the guard, the caps, the mutation check and
/// the free-space rule first, runs with its own query_id, and is followed by a fresh sample; the run
/// stops as soon as usage is under the target.
public struct CleanupExecutor: Sendable {
    public struct Options: Sendable {
        public var dryRun: Bool
        public var waitMutations: Bool
        public var allowLargeDrops: Bool
        public var statementTimeoutSeconds: Double

        /// The configuration's defaults.
        public init() { self.init(CleanupSettings(), dryRun: false) }

        public init(_ settings: CleanupSettings, dryRun: Bool) {
            self.dryRun = dryRun
            waitMutations = settings.waitMutations
            allowLargeDrops = settings.allowLargeDrops
            statementTimeoutSeconds = settings.statementTimeoutSeconds
        }
    }

    public let client: ClickHouseClient
    public let planner: CleanupPlanner
    public let options: Options
    public let audit: CleanupAudit
    /// A fresh reading of the volume, nil when unknown.
    public let measure: @Sendable () async -> VolumeReading?
    /// Renewed before every step; a run that cannot keep it stops.
    public let lock: CleanupLock?
    private let logger = Logger(label: "lfmaint.cleanup")

    public init(client: ClickHouseClient, planner: CleanupPlanner, options: Options, audit: CleanupAudit, lock: CleanupLock? = nil,
                measure: @escaping @Sendable () async -> VolumeReading?) {
        self.client = client
        self.planner = planner
        self.options = options
        self.audit = audit
        self.lock = lock
        self.measure = measure
    }

    public func run(state: CleanupState, before reading: VolumeReading) async -> CleanupRun {
        let policy = planner.policy
        let steps = planner.plan(state)
        let total = reading.total
        var run = CleanupRun(thresholdPercent: policy.thresholdPercent, targetPercent: policy.targetPercent, before: reading.usage,
                             after: reading.usage, dryRun: options.dryRun, outcomes: [], conclusion: "")
        var usage = reading.usage, free = reading.available, usedNow = reading.used
        var droppedPartitions = 0, droppedBytes: Int64 = 0
        let runID = UUID().uuidString.prefix(8).lowercased()
        for (index, step) in steps.enumerated() {
            var outcome = CleanupOutcome(step: step, status: .skipped, usageBefore: usage)
            // A real run stops at the target; a dry run lists the whole plan.
            if usage < Double(policy.targetPercent), !options.dryRun { break }
            if Task.isCancelled {
                run.conclusion = "stopped before step \(index + 1) of \(steps.count): lfmaint is shutting down"
                break
            }
            if let reason = refusal(step, state: state, free: free, droppedPartitions: droppedPartitions, droppedBytes: droppedBytes) {
                outcome.reason = reason
                run.outcomes.append(outcome)
                continue
            }
            if !options.dryRun, let lock, await !lock.keepAlive() {
                run.conclusion = "the cleanup lock could not be renewed; stopped before step \(index + 1) of \(steps.count) so that two runs never overlap"
                break
            }
            if options.dryRun {
                outcome.status = .planned
                outcome.freedBytes = step.estimatedBytes
                usedNow -= step.estimatedBytes
                free += step.estimatedBytes
                usage = Double(usedNow) / Double(max(total, 1)) * 100
                outcome.usageAfter = usage
            } else {
                outcome = await execute(step, outcome, queryID: "lfmaint-cleanup-\(runID)-\(index + 1)", now: state.now)
                let measured = await measure()
                if let measured {
                    outcome.freedBytes = usedNow - measured.used
                    outcome.usageAfter = measured.usage
                    usage = measured.usage
                    free = measured.available
                    usedNow = measured.used
                }
                await audit.record(outcome, runID: String(runID))
                guard measured != nil else {
                    // Without a reading the run cannot know it reached the target: an unknown never deletes more.
                    run.outcomes.append(outcome)
                    run.conclusion = "usage became unknown after step \(index + 1) of \(steps.count); stopped"
                    break
                }
            }
            // Every drop that reached the server counts, failed ones too (a timed-out DROP may still run, a
            // part-by-part drop that failed midway dropped some parts): the cap errs on the safe side.
            if outcome.status != .skipped, step.action.drops {
                droppedPartitions += step.action == .dropPartition ? 1 : 0
                droppedBytes += step.estimatedBytes
            }
            run.outcomes.append(outcome)
        }
        run.after = usage
        if run.conclusion.isEmpty {
            run.conclusion = usage < Double(policy.targetPercent) ? "usage \(Percent.text(usage)) is under the target \(policy.targetPercent)%"
                : "every allowed step was tried; usage is \(Percent.text(usage))"
        }
        return run
    }

    /// Every ALTER, TRUNCATE or OPTIMIZE reserves 1 MiB first; under this much free, only DROP TABLE works.
    public static let minimumHeadroomBytes: Int64 = 4 << 20

    /// Why a step must not run now, or nil.
    private func refusal(_ step: CleanupStep, state: CleanupState, free: Int64, droppedPartitions: Int, droppedBytes: Int64) -> String? {
        if step.onlyWithoutHeadroom, free >= Self.minimumHeadroomBytes {
            return "not needed: the disk has \(ByteCount.readable(free)) free, enough headroom for the steps below"
        }
        do {
            try CleanupGuard.check(step, planner: planner, now: state.now)
        } catch {
            return String(describing: error)
        }
        if step.action == .dropPartition, droppedPartitions >= planner.policy.maxPartitions {
            return "cap reached: \(planner.policy.maxPartitions) partitions per run"
        }
        if step.action.drops, let cap = planner.policy.maxDropBytes, droppedBytes + step.estimatedBytes > cap {
            return "cap reached: --max-drop-gb \(ByteCount.readable(cap)) per run"
        }
        if step.action.rewritesParts, state.busyTables.contains(step.table), !options.waitMutations {
            return "\(step.table) has unfinished mutations (system.mutations); --wait-mutations waits for them"
        }
        if step.requiredFreeBytes > free {
            return "needs \(ByteCount.readable(step.requiredFreeBytes)) free to rewrite its parts, the disk has \(ByteCount.readable(free))"
        }
        return nil
    }

    /// `now` is the server's clock at planning time: the floor is measured from it.
    private func execute(_ step: CleanupStep, _ outcome: CleanupOutcome, queryID: String, now: Int64) async -> CleanupOutcome {
        var outcome = outcome
        var settings: [String: String] = [:]
        if step.action == .dropPartition, options.allowLargeDrops { settings["max_partition_size_to_drop"] = "0" }
        if step.action == .dropTable, options.allowLargeDrops { settings["max_table_size_to_drop"] = "0" }
        var parts: [Part] = []
        do {
            if options.waitMutations, step.action.rewritesParts {
                try await waitForMutations(on: step.table)
                if let lock, await !lock.keepAlive() { throw LockLost() }
            }
            if step.action == .dropPartition, let partitionID = step.partitionID {
                // Rows may have arrived since the plan was made: the guard looks again.
                parts = try await self.parts(of: step.table, partitionID: partitionID)
                var current = step
                current.newestRemovable = parts.map(\.maxTime).max() ?? step.newestRemovable
                try CleanupGuard.check(current, planner: planner, now: now)
                // DROP PARTITION first writes an empty covering part (~32 KiB on disk) for every part it
                // drops and only then deletes anything: with many unmerged parts that raises usage by
                // megabytes before it frees a byte. One part at a time writes one empty part at a time.
                if parts.count > 1, planner.onCluster.isEmpty {
                    return await dropPartByPart(step, outcome, parts: parts, settings: settings, queryID: queryID, now: now,
                                                why: "\(parts.count) parts: one at a time, so usage never rises first")
                }
            }
            logger.info("running", metadata: ["table": "\(step.table)", "statement": "\(step.statement)", "query_id": "\(queryID)"])
            try await client.execute(step.statement, settings: settings, queryID: queryID, timeoutSeconds: options.statementTimeoutSeconds)
            outcome.status = .done
        } catch let error as ClickHouseError where error.code == 243 && step.action == .dropPartition && planner.onCluster.isEmpty {
            // (Part names are one server's: on a cluster there is no part-by-part fallback.)
            // DROP PARTITION reserves 1 MiB for an empty covering part; dropping the parts one at a
            // time still worked in 26.9 with a little over 1 MiB free where DROP PARTITION did not.
            outcome = await dropPartByPart(step, outcome, parts: parts, settings: settings, queryID: queryID, now: now,
                                           why: "DROP PARTITION needs 1 MiB free, which the disk lacked")
        } catch let refusal as CleanupGuard.Refusal {
            outcome.status = .skipped
            outcome.reason = refusal.description
        } catch let error as ClickHouseError where error.code == 359 || error.code == 358 {
            outcome.status = .failed
            outcome.reason = "larger than the server's drop guard (max_partition_size_to_drop / max_table_size_to_drop, 50 GB by default): "
                + "rerun with --allow-large-drops to lift it for lfmaint's own statements"
        } catch let error as ClickHouseError where error.code == 243 {
            outcome.status = .failed
            outcome.reason = "not enough space to run it (NOT_ENOUGH_SPACE): \(error)"
        } catch is CancellationError {
            outcome.status = .failed
            outcome.reason = "abandoned: lfmaint stopped while it ran; the server finishes it or not on its own (query_id \(queryID))"
        } catch ClickHouseError.transport(.timedOut) {
            outcome.status = .failed
            outcome.reason = "timed out after \(Int(options.statementTimeoutSeconds)) s; the server may still be running it (query_id \(queryID))"
        } catch {
            outcome.status = .failed
            outcome.reason = String(describing: error)
        }
        return outcome
    }

    struct Part: Decodable {
        let name: String
        let max_time: Int64
        var maxTime: Int64 { max_time }
    }

    /// Active parts of one partition with the newest row each may hold.
    func parts(of table: QualifiedTableName, partitionID: String) async throws -> [Part] {
        try await client.read("""
            SELECT name, toInt64(if(toUnixTimestamp(max_time) > 0, toUnixTimestamp(max_time), toUnixTimestamp(toDateTime(max_date)) + 86399)) AS max_time
            FROM system.parts WHERE active AND database = {db:String} AND table = {table:String} AND partition_id = {id:String}
            """, parameters: ["db": table.database.name, "table": table.table.name, "id": partitionID], as: Part.self)
    }

    /// `parts`: the partition's active parts, as read just before (the guard checked the newest).
    private func dropPartByPart(_ step: CleanupStep, _ outcome: CleanupOutcome, parts: [Part], settings: [String: String], queryID: String,
                                now: Int64, why: String) async -> CleanupOutcome {
        var outcome = outcome
        // The report and the audit name the statements that ran, not the DROP PARTITION they replace.
        var executed: [String] = []
        do {
            for (index, part) in parts.enumerated() {
                // Each DROP PART is a statement of its own, under its own timeout: the lock must outlast each.
                if let lock, await !lock.keepAlive() { throw LockLost() }
                var single = step
                single.newestRemovable = part.maxTime
                try CleanupGuard.check(single, planner: planner, now: now)
                guard let name = CleanupPlanner.partitionIDLiteral(part.name) else { continue }
                let statement = "ALTER TABLE \(step.table.quoted)\(planner.onCluster) DROP PART \(name)"
                try await client.execute(statement, settings: settings, queryID: "\(queryID)-part\(index + 1)",
                                         timeoutSeconds: options.statementTimeoutSeconds)
                executed.append(statement)
            }
            outcome.status = .done
            outcome.reason = "dropped part by part (\(executed.count) of \(parts.count)) instead of \(step.statement): \(why)"
        } catch {
            outcome.status = .failed
            outcome.reason = "dropping part by part instead of \(step.statement) (\(why)) failed after \(executed.count) of \(parts.count): \(error)"
        }
        if !executed.isEmpty { outcome.step.statement = executed.joined(separator: "; ") }
        return outcome
    }

    struct LockLost: Error, CustomStringConvertible {
        var description: String { "the cleanup lock could not be renewed; stopped so that two runs never overlap" }
    }

    private func waitForMutations(on table: QualifiedTableName) async throws {
        struct Row: Decodable { let parts_to_do: Int64 }
        while true {
            let rows = try await client.read("""
                SELECT toInt64(sum(parts_to_do)) AS parts_to_do FROM system.mutations
                WHERE NOT is_done AND database = {db:String} AND table = {table:String}
                """, parameters: ["db": table.database.name, "table": table.table.name], as: Row.self)
            let left = rows.first?.parts_to_do ?? 0
            guard left > 0 else { return }
            if let lock, await !lock.keepAlive() { throw LockLost() }
            logger.info("waiting for mutations", metadata: ["table": "\(table)", "parts_to_do": "\(left)"])
            try await Task.sleep(for: .seconds(5))
        }
    }
}
