import Foundation
@testable import LFMaint
@testable import LFMaintEdges

/// A ClickHouse engine of its own (a second chdb front) on a folder of its own: a size-limited tmpfs
/// when `megabytes` is given (root only: mount), so a test can fill a real filesystem to the brim, or
/// a plain folder, so a test can kill and restart the engine. Stopped (and unmounted) when dropped.
final class SmallVolume: @unchecked Sendable {
    let path: URL
    private(set) var front = Process()
    let url: String
    let port: Int
    let host: String
    let mounted: Bool
    /// The engine's own timezone (`TZ`), as a server's `<timezone>` would set it; nil: UTC.
    let timezone: String?
    /// The engine's own host name (`hostName()`), set in a UTS namespace of its own; nil: this machine's.
    let hostName: String?
    /// The ClickHouse config the engine reads; nil: the system logs' config beside the front.
    let configFile: String?

    /// Root can mount a tmpfs. With `LFMAINT_REQUIRE_STACK=1` (testing/test.sh) the tests run anyway
    /// and fail on the mount, rather than skip unseen.
    static var canMount: Bool { getuid() == 0 || TestStack.environment["LFMAINT_REQUIRE_STACK"] == "1" }

    /// `host` and `port` let several engines share one port on 127.0.0.1, .2, .3, as replicas share theirs.
    init(megabytes: Int?, timezone: String? = nil, host: String = "127.0.0.1", port: Int? = nil, hostName: String? = nil,
         configFile: String? = nil) throws {
        self.timezone = timezone
        self.hostName = hostName
        self.configFile = configFile
        self.host = host
        path = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-small-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        mounted = megabytes != nil
        self.port = port ?? TestStack.closedPort()
        url = "http://\(host):\(self.port)"
        guard let megabytes else {
            try start()
            return
        }
        _ = try CommandLineTests().runTool("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path.path])
        // Never fill anything but the small filesystem: if the mount did not happen, stop here.
        let total = StatfsSampler().sample(VolumeSettings(name: "small", component: .clickhouse, source: .statfs, path: path.path)).totalBytes ?? 0
        guard total > 0, total <= Int64(megabytes) << 20 else {
            try? FileManager.default.removeItem(at: path)
            throw TestStack.Missing(name: "a \(megabytes) MB tmpfs at \(path.path) (mount failed)")
        }
        try start()
    }

    /// Starts (or restarts) the engine on the same data.
    func start() throws {
        front = Process()
        let python = try TestStack.value("LFMAINT_TEST_PYTHON")
        let frontScript = try TestStack.value("LFMAINT_TEST_CHDB_FRONT")
        let config = configFile ?? Self.systemLogsConfig(frontScript: frontScript)
        let arguments = [frontScript, "--host", host, "--port", String(port), "--data", path.appendingPathComponent("data").path, "--config-file", config]
        if let hostName {
            front.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            front.arguments = ["--uts", "/bin/sh", "-c", "hostname \"$0\" && exec \"$@\"", hostName, python] + arguments
        } else {
            front.executableURL = URL(fileURLWithPath: python)
            front.arguments = arguments
        }
        front.environment = ["CHDB_FRONT_PASSWORD": "", "PATH": "/usr/bin:/bin", "TZ": timezone ?? "UTC"]
        front.standardOutput = FileHandle.nullDevice
        front.standardError = FileHandle.nullDevice
        try front.run()
        for _ in 0..<100 {
            if let response = try? HTTPClient().perform(HTTPClientRequest(url: "\(url)/ping")), response.status == 200 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestStack.Missing(name: "a chdb front on the small volume")
    }

    static func systemLogsConfig(frontScript: String) -> String {
        URL(fileURLWithPath: frontScript).deletingLastPathComponent().appendingPathComponent("system-logs.xml").path
    }

    /// Kills the engine at once, as a crash or an OOM kill would.
    func kill() {
        Glibc.kill(front.processIdentifier, SIGKILL)
        front.waitUntilExit()
    }

    deinit {
        kill()
        if mounted { _ = try? CommandLineTests().runTool("/usr/bin/umount", [path.path]) }
        try? FileManager.default.removeItem(at: path)
    }

    var usagePercent: Double {
        let sample = StatfsSampler().sample(VolumeSettings(name: "small", component: .clickhouse, source: .statfs, path: path.path))
        return sample.usagePercent ?? .nan // fails every comparison: a broken mount cannot pass for an empty one
    }
}
