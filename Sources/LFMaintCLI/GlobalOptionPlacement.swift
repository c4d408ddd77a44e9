import ArgumentParser

/// swift-argument-parser reads a subcommand's options only after the subcommand's name, but operators
/// also write `lfmaint --config f ttl plan`. The global options found before the last subcommand name
/// move to just after it, so both orders mean the same; everything else keeps its place.
enum GlobalOptionPlacement {
    /// The options of `GlobalOptions`, each of which takes a value.
    static let names: Set<String> = ["--config", "--output", "--log-level", "--log-format"]

    static func normalized(_ arguments: [String], root: ParsableCommand.Type = LFMaintCommand.self) -> [String] {
        var command = root
        var path: [String] = []
        var moved: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex, !command.configuration.subcommands.isEmpty {
            let argument = arguments[index]
            if let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init), names.contains(name) {
                let takesNext = !argument.contains("=") && index + 1 < arguments.endIndex
                moved += takesNext ? [argument, arguments[index + 1]] : [argument]
                index += takesNext ? 2 : 1
            } else if let subcommand = command.configuration.subcommands.first(where: { $0._commandName == argument }) {
                path.append(argument)
                command = subcommand
                index += 1
            } else {
                break
            }
        }
        guard !moved.isEmpty, !path.isEmpty else { return arguments }
        return path + moved + arguments[index...]
    }
}
