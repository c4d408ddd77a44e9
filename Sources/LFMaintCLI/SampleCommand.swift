import ArgumentParser
import Foundation
import LFMaint

struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Measure every ClickHouse, Postgres and Redis volume and publish UsagePercent, UsedGB, TotalGB.",
        discussion: """
            Volumes come from the config's `volumes`, else one per configured component (ClickHouse's \
            system.disks, DATABASE_URL, REDIS_CONNECTION_STRING). A source that does not answer makes its \
            volumes "unknown"; nothing unknown is published as zero.
            Exit codes: 0 all sources answered, 5 some volumes unknown, 1 error (publishing failed), 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var statfsVolumes: StatfsOptions

    @Option(name: .long, help: ArgumentHelp("Publish to cloudwatch or pushgateway (repeatable; adds to the config's publish).", valueName: "target"))
    var publish: [String] = []

    @Option(name: .long, help: ArgumentHelp("Pushgateway to push to (implies --publish pushgateway).", valueName: "url"))
    var pushGateway: String?

    @Option(name: .long, parsing: .unconditional, help: "How many of the largest tables, databases or memory figures to list per volume (0: none).")
    var top = 10

    func validate() throws {
        guard (0...1000).contains(top) else { throw ValidationError("--top must be 0-1000, got \(top)") }
    }

    func run() async throws {
        let config = try global.start(allowProm: true) { config in
            try config.addPublishTargets(named: publish, key: "--publish")
            if let pushGateway { config.pushToGateway(pushGateway) }
        }
        let volumes = try SampleTargets.volumes(config: config, statfs: statfsVolumes.paths)

        let run = await SampleWorkflow(config: config, volumes: volumes, topLimit: top).run()
        switch global.output {
        case .text: Console.output(SampleReport.text(run))
        case .json: Console.output(SampleReport.json(run))
        case .prom: Console.output(PrometheusExposition.render(run, cluster: config.clusterName))
        }
        let failures = await SamplePublisher(config: config).publish(run)
        for failure in failures { LFMaintCommand.printError("lfmaint: \(failure)") }
        if !failures.isEmpty { throw ExitStatus.failure }
        if !run.allKnown { throw ExitStatus.someUnknown }
    }
}
