import ArgumentParser
import Foundation
import LFMaint

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say where each volume's used bytes went, what frees each share, and what to do next.",
        discussion: """
            Reads only: ClickHouse's system tables on every replica (parts by table, outdated and detached \
            parts, merges, mutations), Postgres' catalog, Redis' INFO and a bounded SCAN. The lines of a \
            volume add up to its used bytes; the last is what its source does not account for.
            Exit codes: 0 every volume explained, 5 some could not be, 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this volume (a replica's: clickhouse@<pod>; repeatable).", valueName: "name"))
    var volume: [String] = []

    @Option(name: .long, help: ArgumentHelp("A running agent whose forecasts to show (its /metrics).", valueName: "url"))
    var agent: String?

    func run() async throws {
        let config = try global.start()
        try config.validate()
        if let agent, !(agent.hasPrefix("http://") || agent.hasPrefix("https://")) {
            throw ConfigError(key: "--agent", "expected an http:// or https:// URL, got \"\(agent)\"")
        }
        let configured = try SampleTargets.volumes(config: config)
        let wanted = Set(volume)
        let bases = Set(volume.map { String($0.split(separator: "@", maxSplits: 1)[0]) })
        let unknown = bases.subtracting(configured.map(\.name))
        guard unknown.isEmpty else {
            throw ConfigError(key: "--volume", "no volume named \(unknown.sorted().joined(separator: ", ")) (volumes: \(configured.map(\.name).joined(separator: ", ")))")
        }
        var forecasts: [String: Double] = [:]
        if let agent {
            do { forecasts = try await AgentForecasts.fetch(agentURL: agent) } catch {
                LFMaintCommand.printError("lfmaint: no forecasts from the agent: \(error)")
            }
        }
        let chosen = wanted.isEmpty ? configured : configured.filter { bases.contains($0.name) }
        let accounts = await ExplainWorkflow(config: config, volumes: chosen).run(forecasts: forecasts)
            .filter { wanted.isEmpty || wanted.contains($0.volume.name) || wanted.contains($0.volume.replicaOf ?? $0.volume.name) }
        guard !accounts.isEmpty else {
            throw ConfigError(key: "--volume", "no volume named \(volume.joined(separator: ", ")) was found")
        }
        switch global.output {
        case .json: Console.output(ExplainReport.json(accounts))
        default: Console.output(ExplainReport.text(accounts))
        }
        if accounts.contains(where: { $0.error != nil }) { throw ExitStatus.someUnknown }
    }
}
