import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// Each volume source against the real thing it measures.
@Suite("Volume sources ↔ real servers", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct SourcesIntegrationTests {
    func withinTenthOfAPercent(_ a: Int64?, _ b: Int64) -> Bool {
        guard let a else { return false }
        return abs(Double(a - b)) <= Double(max(b, 1)) * 0.001
    }

    /// `df -B1 --output=size,used,avail PATH` as numbers.
    func df(_ path: String) throws -> (size: Int64, used: Int64, available: Int64) {
        let run = try CommandLineTests().runTool("/usr/bin/df", ["-B1", "--output=size,used,avail", path])
        let numbers = run.split(separator: "\n")[1].split(separator: " ").compactMap { Int64($0) }
        return (numbers[0], numbers[1], numbers[2])
    }

    @Test func statfsEqualsDf() async throws {
        let path = FileManager.default.temporaryDirectory.path
        let sample = StatfsSampler().sample(VolumeSettings(name: "tmp", component: .clickhouse, source: .statfs, path: path))
        let reference = try df(path)
        #expect(sample.status == .ok)
        #expect(withinTenthOfAPercent(sample.totalBytes, reference.size))
        #expect(withinTenthOfAPercent(sample.usedBytes, reference.used))
        #expect(withinTenthOfAPercent(sample.availableBytes, reference.available))
        #expect(sample.inodesUsagePercent != nil)
    }

    @Test func aMissingPathIsUnknownNotZero() {
        let sample = StatfsSampler().sample(VolumeSettings(name: "gone", component: .clickhouse, source: .statfs, path: "/nonexistent/lfmaint"))
        #expect(sample.status == .unknown)
        #expect(sample.error == "statvfs /nonexistent/lfmaint: No such file or directory")
        #expect(sample.usedBytes == nil && sample.usagePercent == nil)
    }

    @Test func clickhouseSystemDisksMatchesStatvfsOfItsDataPath() async throws {
        var settings = ClickHouseSettings()
        settings.url = try TestStack.chdbURL
        settings.password = try TestStack.clickhousePassword
        let volume = VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse)
        let sample = try #require(await ClickHouseDiskSampler(client: ClickHouseClient(settings: settings)).sample([volume]).first)
        let reference = StatfsSampler().sample(VolumeSettings(name: "data", component: .clickhouse, source: .statfs, path: try TestStack.value("LFMAINT_TEST_CHDB_DATA")))
        #expect(sample.status == .ok, "\(sample.error ?? "")")
        #expect(withinTenthOfAPercent(sample.totalBytes, reference.totalBytes!))
        #expect(withinTenthOfAPercent(sample.availableBytes, reference.availableBytes!))
    }

    @Test func clickhouseOn18IsUnknownWithTheReason() async throws {
        var settings = ClickHouseSettings()
        settings.url = try TestStack.ch18URL
        settings.password = try TestStack.clickhousePassword
        let samples = await ClickHouseDiskSampler(client: ClickHouseClient(settings: settings))
            .sample([VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse)])
        #expect(samples.first?.error?.contains("does not support system.disks (needs 19.15 or newer)") == true)
    }

    @Test func postgresDetailNamesTheLargestRelation() async throws {
        let url = try TestStack.databaseURL
        let table = "lfmaint_probe_\(UInt32.random(in: 0...UInt32.max))"
        let connection = try PostgresConnection(url: url)
        let create: String = "CREATE TABLE \(table) AS SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 20000) g"
        try connection.query(create)
        defer { _ = try? connection.query("DROP TABLE \(table)") }
        let items: [UsageItem] = try await PostgresSampler(settings: PostgresSettings(url: Secret(url))).top(limit: 10)
        let database = items.first { $0.kind.rawValue == "database" && $0.name == "langfuse" }
        #expect((database?.bytes ?? 0) > 10_000_000)
        let relation = try #require(items.first { $0.kind.rawValue == "relation" })
        #expect(relation.name == "langfuse.public.\(table)")
        #expect(relation.bytes > 10_000_000)
    }

    @Test func redisDetailReadsMemory() async throws {
        let settings = try ConfigurationLoader.load(yaml: "", environment: ["REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_URL")]).redis!
        let key = "lfmaint-probe-\(UInt32.random(in: 0...UInt32.max))"
        let connection = try RedisConnection(settings: settings)
        _ = try connection.command(["SET", key, String(repeating: "x", count: 2_000_000)])
        defer { _ = try? connection.command(["DEL", key]) }
        let sample = try #require(await RedisSampler(settings: settings).sample([VolumeSettings(name: "redis", component: .redis, source: .redis)]).first)
        #expect(sample.status == .ok)
        #expect((sample.usedBytes ?? 0) > 2_000_000)
        #expect(sample.top.contains { $0.name == "used_memory_rss" && $0.bytes > 0 })
    }

    @Test func redisOverTLSReadsWhatThePlainPortReads() async throws {
        let environment = ["REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_TLS_URL"),
                           "REDIS_TLS_CA_PATH": try TestStack.value("LFMAINT_TEST_CA_FILE")]
        let settings = try ConfigurationLoader.load(yaml: "", environment: environment).redis!
        #expect(settings.tls && settings.port != 16379)
        let plain = try RedisConnection(settings: try ConfigurationLoader.load(yaml: "", environment: [
            "REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_URL")]).redis!)
        let key = "lfmaint-tls-\(UInt32.random(in: 0...UInt32.max))"
        _ = try plain.command(["SET", key, "through the plain port"])
        defer { _ = try? plain.command(["DEL", key]) }
        #expect(try RedisConnection(settings: settings).command(["GET", key]) == "through the plain port")
        // 64 KiB each way: more than one TLS record and one receive.
        let large = String(repeating: "y", count: 65_536)
        #expect(try RedisConnection(settings: settings).command(["ECHO", large]) == large)
        let sample = try #require(await RedisSampler(settings: settings).sample([VolumeSettings(name: "redis", component: .redis, source: .redis)]).first)
        #expect(sample.status == .ok && (sample.usedBytes ?? 0) > 0, "\(sample.error ?? "")")
    }

    @Test func anACLUserAuthenticatesWithItsName() async throws {
        let plain = try ConfigurationLoader.load(yaml: "", environment: ["REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_URL")]).redis!
        let admin = try RedisConnection(settings: plain)
        // A "%" in the name and the password: the URL's escapes are decoded once, not twice.
        let user = "lfmaint%41probe-\(UInt16.random(in: 0...UInt16.max))"
        _ = try admin.command(["ACL", "SETUSER", user, "on", ">probe%2Fpw", "+info"])
        defer { _ = try? admin.command(["ACL", "DELUSER", user]) }
        let escaped = { (text: String) in text.replacingOccurrences(of: "%", with: "%25") }
        let url = "redis://\(escaped(user)):\(escaped("probe%2Fpw"))@\(plain.host):\(plain.port)"
        let settings = try ConfigurationLoader.load(yaml: "", environment: ["REDIS_CONNECTION_STRING": url]).redis!
        #expect(settings.username == user)
        let sample = try #require(await RedisSampler(settings: settings).sample([VolumeSettings(name: "redis", component: .redis, source: .redis)]).first)
        #expect(sample.status == .ok, "\(sample.error ?? "")")
    }

    @Test func redisOverTLSVerifiesTheServer() async throws {
        let settings = try ConfigurationLoader.load(yaml: "", environment: [
            "REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_TLS_URL")]).redis!
        let sample = try #require(await RedisSampler(settings: settings).sample([VolumeSettings(name: "redis", component: .redis, source: .redis)]).first)
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("certificate") == true, "the private CA is not trusted without REDIS_TLS_CA_PATH: \(sample.error ?? "")")
    }

    @Test func aWrongRedisPasswordIsUnknownWithTheServersWords() async throws {
        var settings = try ConfigurationLoader.load(yaml: "", environment: ["REDIS_CONNECTION_STRING": try TestStack.value("LFMAINT_TEST_REDIS_URL")]).redis!
        settings.password = Secret("wrong-password")
        let sample = try #require(await RedisSampler(settings: settings).sample([VolumeSettings(name: "redis", component: .redis, source: .redis)]).first)
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("WRONGPASS") == true)
        #expect(sample.error?.contains("wrong-password") == false)
    }
}
