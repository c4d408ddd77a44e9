/// The last check before any destructive statement runs, independent of the planner: a row newer
/// than the floor is never in reach, and DROP TABLE only ever hits a system log other than query_log.
public enum CleanupGuard {
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let step: String
        public let reason: String
        public var description: String { "refused \"\(step)\": \(reason)" }
    }

    public static func check(_ step: CleanupStep, planner: CleanupPlanner, now: Int64) throws {
        let floorCutoff = now - Int64(planner.floorDays(for: step.table)) * CleanupPlanner.day
        switch step.action {
        case .dropTable:
            guard CleanupPlanner.isExpendableSystemLog(step.table) else {
                throw Refusal(step: step.statement, reason: "DROP TABLE is only for system log tables other than query_log")
            }
            guard step.onlyWithoutHeadroom || SystemLogTables.rotatedBase(of: step.table.table.name) != nil else {
                throw Refusal(step: step.statement, reason: "a live system log is dropped only when the disk has no headroom")
            }
        case .dropPartition, .deleteRows:
            guard let newest = step.newestRemovable else {
                throw Refusal(step: step.statement, reason: "no bound on the newest row it removes")
            }
            guard newest < floorCutoff else {
                throw Refusal(step: step.statement, reason: "it could remove rows newer than the \(planner.floorDays(for: step.table))-day floor")
            }
        case .optimizePartition:
            break
        }
    }
}
