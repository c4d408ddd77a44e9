/// The last check before any destructive statement runs, independent of the planner: it reads the
/// step's own bound (the value its SQL is written from), the newest row read again just before, and the
/// floor, nothing else. A row newer than the floor is never in reach. Each action says what its step
/// removes and what it never takes (`CleanupAction.check`); the floor's cutoff is computed and compared here.
enum CleanupGuard {
    struct Refusal: Error, Equatable, CustomStringConvertible {
        let step: String
        let reason: String
        var description: String { "refused \"\(step)\": \(reason)" }
    }

    /// What an action's check reads.
    struct Check {
        let step: CleanupStep
        let floorDays: Int
        /// Rows from this instant on are under the floor.
        let floorCutoff: Int64
        /// The newest value of a partition or part read again just before it goes; nil: the step's own.
        let newestValue: Int64?
        /// The partition goes by one DROP PARTITION, which takes rows nobody has read.
        let whole: Bool

        func refusal(_ reason: String) -> Refusal { Refusal(step: step.statementText, reason: reason) }

        /// Where the newest rows the step removes end, from its column and newest value.
        func newestRowsEnd() throws -> Int64 {
            guard let column = step.column, let newest = newestValue ?? step.newestValue else { throw refusal("no bound on the newest row it removes") }
            return column.rowsEnd(newest: newest)
        }

        /// Refuses unless rows ending at `rowsEnd` are all past the floor.
        func pastFloor(_ rowsEnd: Int64) throws {
            guard rowsEnd <= floorCutoff else { throw refusal("it could remove rows newer than the \(floorDays)-day floor") }
        }
    }

    /// `newestValue` overrides the step's own for a partition or part read again just before it goes.
    /// `whole`: the partition goes by one DROP PARTITION, which takes rows nobody has read.
    static func check(_ step: CleanupStep, floor: CleanupFloor, now: Int64, newestValue: Int64? = nil, whole: Bool = false) throws {
        let check = Check(step: step, floorDays: floor.days(for: step.table), floorCutoff: floor.cutoff(for: step.table, now: now),
                          newestValue: newestValue, whole: whole)
        try step.action.kind.check(check)
    }
}
