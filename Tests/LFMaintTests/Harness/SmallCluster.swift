import Foundation
@testable import LFMaint

/// Three real engines acting as one shard's three replicas, as chart v1 runs them: each on a small
/// filesystem of its own, at 127.0.0.1, .2 and .3 on one port, each naming itself
/// `langfuse-clickhouse-shard0-N` (`hostName()`), each listing all three in `system.clusters` (cluster
/// `default`). The engines do not replicate: a test writes to each what that replica holds.
final class SmallCluster: @unchecked Sendable {
    let replicas: [SmallVolume]
    let configFile: URL
    static let pods = (0..<3).map { "langfuse-clickhouse-shard0-\($0)" }

    init(megabytes: Int) throws {
        let port = TestStack.closedPort()
        let hosts = (1...3).map { "127.0.0.\($0)" }
        let configFile = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-cluster-\(UUID().uuidString).xml")
        self.configFile = configFile
        let systemLogs = try String(contentsOfFile: SmallVolume.systemLogsConfig(frontScript: try TestStack.value("LFMAINT_TEST_CHDB_FRONT")),
                                    encoding: .utf8)
        let servers = hosts.map { "<replica><host>\($0)</host><port>9000</port></replica>" }.joined()
        let config = systemLogs.replacingOccurrences(
            of: "</clickhouse>", with: "  <remote_servers><default><shard>\(servers)</shard></default></remote_servers>\n</clickhouse>")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        replicas = try zip(hosts, Self.pods).map { host, pod in
            try SmallVolume(megabytes: megabytes, host: host, port: port, hostName: pod, configFile: configFile.path)
        }
    }

    /// The URL a Service would give: the first replica's.
    var url: String { replicas[0].url }

    /// A configuration file for lfmaint holding `yaml`, removed with the cluster.
    func configPath(_ yaml: String) -> String {
        let file = configFile.deletingPathExtension().appendingPathExtension("yaml")
        try? yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    deinit {
        try? FileManager.default.removeItem(at: configFile)
        try? FileManager.default.removeItem(at: configFile.deletingPathExtension().appendingPathExtension("yaml"))
    }
}
