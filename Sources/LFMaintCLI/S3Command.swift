import ArgumentParser
import LFMaint

struct S3Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3",
        abstract: "Plan or apply the lifecycle rule that expires Langfuse's raw events in its bucket.",
        discussion: """
            Langfuse writes every ingested event to LANGFUSE_S3_EVENT_UPLOAD_BUCKET (under LANGFUSE_S3_EVENT_UPLOAD_PREFIX) \
            and nothing expires them. lfmaint keeps one rule (ID lfmaint-langfuse-events) that expires that prefix after \
            retention.appDays, and sends back every other rule the bucket has. It never puts a rule that would match \
            media (LANGFUSE_S3_MEDIA_UPLOAD_*) or batch exports in the same bucket.
            """,
        subcommands: [S3PlanCommand.self, S3ApplyCommand.self]
    )
}

struct S3PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the event bucket's lifecycle rule now and as planned.",
        discussion: "Changes nothing. Exit codes: 0 nothing to change, 4 a change pending, 1 error or refused, 2 bad input."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let config = try global.start()
        let plan = try await EventLifecycleWorkflow(config: config).plan()
        Console.output(global.output == .json ? EventLifecycleReport.json(plan) : EventLifecycleReport.text(plan))
        switch plan.action {
        case .none: return
        case .put: throw ExitStatus.changesPending
        case .refuse: throw ExitStatus.failure
        }
    }
}

struct S3ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Put the planned lifecycle rule, keeping every other rule, then read it back. A second run changes nothing.",
        discussion: "Exit codes: 0 put and read back (or nothing to do), 1 error or refused, 2 bad input."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let config = try global.start()
        let outcome = try await EventLifecycleWorkflow(config: config).apply()
        Console.output(global.output == .json ? EventLifecycleReport.json(outcome) : EventLifecycleReport.text(outcome))
    }
}
