/// The last check before any destructive statement runs, independent of the planner: it reads the
/// step's own bound (the value its SQL is written from) and the floor, nothing else. A row newer than
/// the floor is never in reach, and DROP TABLE only ever hits a system log other than query_log.
enum CleanupGuard {
    struct Refusal: Error, Equatable, CustomStringConvertible {
        let step: String
        let reason: String
        var description: String { "refused \"\(step)\": \(reason)" }
    }

    /// `newestValue` overrides the step's own for a partition or part read again just before it goes.
    /// `whole`: the partition goes by one DROP PARTITION, which takes rows nobody has read.
    static func check(_ step: CleanupStep, floor: CleanupFloor, now: Int64, newestValue: Int64? = nil, whole: Bool = false) throws {
        let floorCutoff = floor.cutoff(for: step.table, now: now)
        let refuse = { (reason: String) in Refusal(step: step.statementText, reason: reason) }
        let tooYoung = "it could remove rows newer than the \(floor.days(for: step.table))-day floor"
        switch step.action {
        case .dropTable:
            guard SystemLogTables.isExpendable(step.table) else {
                throw refuse("DROP TABLE is only for system log tables other than query_log")
            }
            guard step.onlyWithoutHeadroom || SystemLogTables.isRotated(step.table) else {
                throw refuse("a live system log is dropped only when the disk has no headroom")
            }
            // A log rotated within the last day holds rows under the floor: it waits. (A live log dropped
            // for want of any headroom is the one exception, and ClickHouse recreates it.)
            if !step.onlyWithoutHeadroom {
                guard let column = step.column, let newest = newestValue ?? step.newestValue else { throw refuse("no bound on the newest row it removes") }
                guard column.rowsEnd(newest: newest) <= floorCutoff else { throw refuse(tooYoung) }
            }
        case .dropPartition:
            guard let column = step.column, let newest = newestValue ?? step.newestValue else { throw refuse("no bound on the newest row it removes") }
            guard column.rowsEnd(newest: newest) <= floorCutoff else { throw refuse(tooYoung) }
            // ON CLUSTER drops every replica's rows, including ones this server has not seen; a whole drop takes rows
            // inserted since the read: only the key can vouch for them.
            if step.cluster != .none || whole, (step.keyEnd ?? .max) > floorCutoff {
                throw refuse("a partition goes whole (on a cluster, or by DROP PARTITION) only when its key proves every row it can hold "
                    + "is older than the floor")
            }
        case .deleteRows:
            guard let bound = step.bound, let column = step.column, step.partitionID != nil else {
                throw refuse("no bound on the rows it removes, or no partition")
            }
            // A date compared with an instant is midnight of that date: the whole day of the cutoff would go.
            guard column.isDate == (bound.day != nil) else { throw refuse("its bound is not of the column's kind (\(column.kind))") }
            guard bound.rowsEnd <= floorCutoff else { throw refuse(tooYoung) }
        }
    }
}
