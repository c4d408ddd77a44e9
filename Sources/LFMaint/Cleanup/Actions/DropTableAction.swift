import LFMaintEdges

/// Only system log tables: rotated ones always, live ones (ClickHouse recreates them) only when the disk
/// lacks the 1 MiB every ALTER, TRUNCATE or OPTIMIZE must reserve.
enum DropTableAction: CleanupAction {
    static let name = "drop table"

    /// DROP TABLE needs no reservation, so rotated logs go first: on a disk too full for any ALTER they
    /// are what frees the first megabyte. System logs are each server's own: they are cleaned where they
    /// are measured, never ON CLUSTER.
    static func steps(in round: CleanupRound, _ planning: inout CleanupPlanning) -> [CleanupStep] {
        guard round == .first else { return [] }
        let state = planning.state
        var steps = state.rotatedLogs.filter { SystemLogTables.isRotated($0.table) }.map {
            planning.onServer($0.replica, CleanupStep(table: $0.table, action: .dropTable, column: $0.newest?.column, newestValue: $0.newest?.day,
                                                      estimatedBytes: $0.totalBytes, reason: "rotated system log: nothing writes to it"))
        }
        steps += state.systemLogs.filter { SystemLogTables.isExpendable($0.table) }.sorted { $0.totalBytes > $1.totalBytes }.map {
            planning.onServer($0.replica, CleanupStep(table: $0.table, action: .dropTable, estimatedBytes: $0.totalBytes,
                                                      reason: "no headroom: every ALTER needs 1 MiB free; ClickHouse recreates this log empty",
                                                      onlyWithoutHeadroom: true))
        }
        return steps
    }

    static func statements(_ step: CleanupStep) -> [ClickHouseStatement] {
        [.dropTable(step.table, step.cluster)]
    }

    static func check(_ check: CleanupGuard.Check) throws {
        let step = check.step
        guard SystemLogTables.isExpendable(step.table) else {
            throw check.refusal("DROP TABLE is only for system log tables other than query_log")
        }
        guard step.onlyWithoutHeadroom || SystemLogTables.isRotated(step.table) else {
            throw check.refusal("a live system log is dropped only when the disk has no headroom")
        }
        // A log rotated within the last day holds rows under the floor: it waits. (A live log dropped
        // for want of any headroom is the one exception, and ClickHouse recreates it.)
        if !step.onlyWithoutHeadroom {
            try check.pastFloor(check.newestRowsEnd())
        }
    }

    static func run(_ step: CleanupStep, _ call: CleanupStepRunner.Call, _ executed: inout [String]) async throws -> CleanupActionResult {
        try await call.send(.dropTable(step.table, step.cluster), queryID: call.queryID, &executed)
        return CleanupActionResult()
    }
}

extension CleanupStep.Action {
    static var dropTable: Self { Self(DropTableAction.self) }
}
