import ArgumentParser
import Foundation
import LFMaint
import LFMaintSupport

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say where each volume's used bytes went, what frees each share, and what to do next.",
        discussion: """
            Reads only: ClickHouse's system tables on every replica (parts by table, outdated and detached \
            parts, merges, mutations), Postgres' catalog, Redis' INFO and a bounded SCAN. The lines of a \
            volume add up to its used bytes; the last is what its source does not account for.
            Exit codes: 0 every volume explained, 5 some could not be (or a replica's volume named was not \
            found), 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this volume (a replica's: clickhouse@<pod>; repeatable).", valueName: "name"))
    var volume: [String] = []

    @Option(name: .long, help: ArgumentHelp("A running agent whose forecasts to show (its /metrics).", valueName: "url"))
    var agent: String?

    func run() async throws {
        let config = try global.start()
        if let agent, !(agent.hasPrefix("http://") || agent.hasPrefix("https://")) {
            throw ConfigError(key: "--agent", "expected an http:// or https:// URL, got \"\(Redaction.endpoint(agent))\"")
        }
        let configured = try SampleTargets.volumes(config: config)
        let bases = Set(volume.map { String($0.prefix { $0 != "@" }) })
        let unknown = bases.subtracting(configured.map(\.name))
        guard unknown.isEmpty else {
            let names = configured.map(\.name).joined(separator: ", ")
            throw ConfigError(key: "--volume", "no volume named \(unknown.sorted().joined(separator: ", ")) (volumes: \(names))")
        }
        let forecasts = await agentForecasts()
        let chosen = volume.isEmpty ? configured : configured.filter { bases.contains($0.name) }
        let found = await ExplainWorkflow(config: config, volumes: chosen).run(forecasts: forecasts)
        let accounts = volume.isEmpty ? found
            : found.filter { volume.contains($0.volume.name) || volume.contains($0.volume.replicaOf ?? $0.volume.name) }
        switch global.output {
        case .json: Console.output(ExplainReport.json(accounts))
        default: Console.output(ExplainReport.text(accounts))
        }
        // A replica's volume is known only once the replicas are found: one that was not is reported here.
        let missing = volume.filter { name in !found.contains { $0.volume.name == name || $0.volume.replicaOf == name } }
        if !missing.isEmpty {
            let names = found.map(\.volume.name).joined(separator: ", ")
            LFMaintCommand.printError("lfmaint: no volume named \(missing.joined(separator: ", ")) was found (found: \(names))")
        }
        if !missing.isEmpty || accounts.contains(where: { $0.error != nil }) { throw ExitStatus.someUnknown }
    }

    /// The agent's forecasts, or none (with one line on stderr) when it does not answer.
    private func agentForecasts() async -> [String: Double] {
        guard let agent else { return [:] }
        do {
            return try await AgentForecasts.fetch(agentURL: agent)
        } catch {
            let reason = Redaction.scrub(String(describing: error), passwordOf: agent)
            LFMaintCommand.printError("lfmaint: no forecasts from the agent at \(Redaction.endpoint(agent)): \(reason)")
            return [:]
        }
    }
}
