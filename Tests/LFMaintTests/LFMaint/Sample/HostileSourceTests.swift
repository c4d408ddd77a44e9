import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

/// Data sources that lie, stall or drip: each makes its volume unknown, with the reason, in time.
@Suite("Sources that lie, stall or drip")
struct HostileSourceTests {
    let redisVolume = VolumeSettings(name: "redis", component: .redis, source: .redis)
    let clickhouseVolume = VolumeSettings(name: "clickhouse", component: .clickhouse, source: .clickhouse)

    func redis(_ behaviour: HostilePeer.Behaviour) async throws -> (sample: VolumeSample, seconds: Double) {
        let peer = try HostilePeer(behaviour)
        let start = Date()
        let samples = await RedisSampler(settings: RedisSettings(host: "127.0.0.1", port: peer.port)).sample([redisVolume])
        return (try #require(samples.first), Date().timeIntervalSince(start))
    }

    static func info(_ fields: String) -> HostilePeer.Behaviour {
        let body = "# Memory\r\n" + fields + "\r\n"
        let reply = "$\(body.utf8.count)\r\n\(body)\r\n"
        // INFO memory, then INFO persistence: both answers at once.
        return .reply(Array((reply + "$0\r\n\r\n").utf8))
    }

    @Test func aRedisThatStreamsWithoutCRLFIsUnknownAtOnce() async throws {
        let (sample, seconds) = try await redis(.stream(UInt8(ascii: "+")))
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("without CRLF") == true, "\(sample.error ?? "")")
        #expect(seconds < 3)
    }

    @Test func aRedisThatDripsIsUnknownAtItsDeadline() async throws {
        let (sample, seconds) = try await redis(.drip(Array("$100000\r\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100), interval: 0.4))
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("in time") == true, "\(sample.error ?? "")")
        #expect(seconds < 7, "the connection's 5 s, not one timeout per byte")
    }

    @Test func aRedisBulkLengthOf2To63Minus1IsRefused() async throws {
        let (sample, seconds) = try await redis(.reply(Array("$9223372036854775807\r\nabc".utf8)))
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("bulk length 9223372036854775807") == true, "\(sample.error ?? "")")
        #expect(seconds < 3)
    }

    /// SCAN's answer as a Redis that lies would give it: too many keys, too much nesting cost, a length
    /// no Redis sends. Each is refused, naming it, without taking the memory it asks for.
    @Test(arguments: [
        ("*100001\r\n", "an array of 100001 elements"),
        ("*2\r\n$1\r\n0\r\n*-5\r\n", "an array of -5 elements"),
        ("$-7\r\n", "bulk length -7"),
        ("*100000\r\n" + String(repeating: "*100000\r\n" + String(repeating: ":1\r\n", count: 100_000), count: 6), "replies of more than 32 MiB"),
    ])
    func aRedisArrayThatNoRedisSendsIsRefused(reply: String, reason: String) async throws {
        let peer = try HostilePeer(.reply(Array(reply.utf8)))
        let connection = try RedisConnection(settings: RedisSettings(host: "127.0.0.1", port: peer.port))
        #expect {
            _ = try connection.pipeline([["SCAN", "0"]])
        } throws: { error in
            String(describing: error).contains(reason)
        }
    }

    @Test(arguments: ["used_memory:-1000\r\nmaxmemory:100", "used_memory:10\r\nmaxmemory:-5"])
    func aRedisWithNegativeMemoryIsUnknown(_ fields: String) async throws {
        let (sample, _) = try await redis(Self.info(fields))
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("impossible") == true, "\(sample.error ?? "")")
        #expect(sample.usagePercent == nil)
    }

    @Test func aRedisAboveItsMaxmemoryIsFullNotMore() async throws {
        let (sample, _) = try await redis(Self.info("used_memory:300\r\nmaxmemory:100"))
        #expect(sample.status == .ok)
        #expect(sample.usagePercent == 100)
    }

    /// A ClickHouse HTTP front that answers `SELECT version()` and then what `disks` says of system.disks.
    static func clickhouse(disks: String) -> HostilePeer.Behaviour {
        .respond { request in
            if request.contains("version()") { return HostilePeer.Behaviour.httpAnswer(200, "26.9.1.1\n", contentType: "text/plain") }
            return HostilePeer.Behaviour.httpAnswer(200, disks + "\n")
        }
    }

    func clickhouse(_ behaviour: HostilePeer.Behaviour, timeout: Double = 30) async throws -> (sample: VolumeSample, seconds: Double) {
        let peer = try HostilePeer(behaviour)
        var settings = ClickHouseSettings()
        settings.url = peer.url
        settings.timeoutSeconds = timeout
        let start = Date()
        let samples = await ClickHouseDiskSampler(client: ClickHouseClient(settings: settings)).sample([clickhouseVolume])
        return (try #require(samples.first), Date().timeIntervalSince(start))
    }

    @Test(arguments: [
        #"{"name":"default","total_space":9223372036854775807,"free_space":-1}"#,
        #"{"name":"default","total_space":0,"free_space":0}"#,
        #"{"name":"default","total_space":-100,"free_space":10}"#,
        #"{"name":"default","total_space":100,"free_space":500}"#,
    ])
    func aClickHouseThatReportsImpossibleDisksIsUnknown(_ row: String) async throws {
        let (sample, _) = try await clickhouse(Self.clickhouse(disks: row))
        #expect(sample.status == .unknown)
        #expect(sample.error?.contains("impossible") == true, "\(sample.error ?? "")")
    }

    @Test func aClickHouseWithAnOverflowingNumberIsUnknown() async throws {
        let (sample, _) = try await clickhouse(Self.clickhouse(disks: #"{"name":"default","total_space":99999999999999999999999,"free_space":1}"#))
        #expect(sample.status == .unknown)
    }

    @Test func aClickHouseThatStallsIsUnknownAtItsTimeout() async throws {
        let (sample, seconds) = try await clickhouse(.stall, timeout: 1)
        #expect(sample.status == .unknown)
        #expect(seconds < 4, "one retry at most: \(seconds) s")
    }

    @Test func aSourceThatOutlivesTheRunsDeadlineIsUnknown() async throws {
        let peer = try HostilePeer(.stall)
        var config = Configuration()
        config.clickhouse.url = peer.url
        var workflow = SampleWorkflow(config: config, volumes: [clickhouseVolume], topLimit: 0)
        workflow.sourceDeadlineSeconds = 1
        let start = Date()
        let run = await workflow.run()
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(run.samples.first?.status == .unknown)
        #expect(run.samples.first?.error?.contains("no answer within 1 s") == true, "\(run.samples.first?.error ?? "")")
    }
}
