/// The last check before any destructive statement runs, independent of the planner: a row newer
/// than the floor is never in reach, and TRUNCATE only ever hits a rotated system log.
public enum CleanupGuard {
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let step: String
        public let reason: String
        public var description: String { "refused \"\(step)\": \(reason)" }
    }

    public static func check(_ step: CleanupStep, planner: CleanupPlanner, now: Int64) throws {
        let floorCutoff = now - Int64(planner.floorDays(for: step.table)) * CleanupPlanner.day
        switch step.action {
        case .truncate:
            guard step.table.database.name == "system", SystemLogTables.rotatedBase(of: step.table.table.name) != nil else {
                throw Refusal(step: step.statement, reason: "TRUNCATE is only for rotated system logs (system.<log>_N)")
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
