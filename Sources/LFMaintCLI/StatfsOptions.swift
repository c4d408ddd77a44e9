import ArgumentParser

/// `--statfs NAME=PATH`, for the commands that sample: `SampleTargets` reads it.
struct StatfsOptions: ParsableArguments {
    @Option(name: .customLong("statfs"), help: ArgumentHelp(
        "Also measure this path with statvfs (repeatable): a ClickHouse volume unless NAME starts with postgres, redis or minio.",
        valueName: "name=path"))
    var paths: [String] = []
}
