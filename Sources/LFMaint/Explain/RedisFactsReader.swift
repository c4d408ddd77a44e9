import LFMaintEdges
import LFMaintSupport

/// Reads `RedisFacts`: `INFO`, then a bounded `SCAN` (at most `sampleKeys` keys, `MEMORY USAGE` for each,
/// pipelined) and BullMQ's queues found by their `:meta` keys. Read-only, and bounded however many keys
/// Redis holds; numbers no Redis sends are refused.
struct RedisFactsReader: Sendable {
    let settings: RedisSettings
    static let sampleKeys = 2000
    /// SCAN calls for the queues' `:meta` keys, `scanCount` keys each: 200,000 keys looked at, at most.
    static let metaScans = 200
    static let scanCount = 1000
    /// SCAN pages for the sample: a Redis answering empty pages for ever must not keep this reading.
    static let samplePages = 100
    static let maximumQueues = 1000

    init(settings: RedisSettings) {
        self.settings = settings
    }

    func read() async throws -> RedisFacts {
        let settings = settings
        return try await BlockingIO.run {
            let connection = try RedisConnection(settings: settings)
            var facts = try Self.facts(info: connection.info(["memory", "persistence", "keyspace"]))
            (facts.groups, facts.memoryUsageError) = try Self.keyGroups(connection)
            facts.queues = try Self.queues(connection)
            return facts
        }
    }

    private static func facts(info fields: [String: String]) throws -> RedisFacts {
        func number(_ name: String, required: Bool = true) throws -> Int64 {
            guard let text = fields[name] else {
                if required { throw RedisError.protocolError(detail: "INFO has no \(name)") }
                return 0
            }
            guard let value = Int64(text), (0...SystemCatalog.maximumBytes).contains(value) else {
                throw RedisError.protocolError(detail: "INFO's \(name) is \"\(text.prefix(40))\", not a number Redis sends")
            }
            return value
        }
        var facts = RedisFacts()
        facts.usedMemory = try number("used_memory")
        facts.overheadBytes = min(try number("used_memory_overhead", required: false), facts.usedMemory)
        facts.datasetBytes = fields["used_memory_dataset"] == nil ? facts.usedMemory - facts.overheadBytes
            : min(try number("used_memory_dataset"), facts.usedMemory - facts.overheadBytes)
        facts.maxmemory = try number("maxmemory", required: false)
        facts.policy = fields["maxmemory_policy"] ?? ""
        if fields["aof_enabled"] == "1" { facts.appendOnlyFileBytes = try number("aof_current_size", required: false) }
        // db0:keys=12,expires=0,avg_ttl=0
        facts.keys = fields.filter { $0.key.hasPrefix("db") }.values.reduce(Int64(0)) { sum, value in
            let keys = value.split(separator: ",").first { $0.hasPrefix("keys=") }.flatMap { Int64($0.dropFirst(5)) } ?? 0
            return sum + max(0, min(keys, Int64(Int32.max)))
        }
        return facts
    }

    /// One SCAN page: the next cursor and its keys.
    private static func scan(_ connection: RedisConnection, cursor: String, match: String? = nil) throws -> (cursor: String, keys: [String]) {
        let arguments = ["SCAN", cursor] + (match.map { ["MATCH", $0] } ?? []) + ["COUNT", String(scanCount)]
        guard case let .array(reply) = try connection.pipeline([arguments])[0], reply.count == 2,
              case let .text(next) = reply[0], UInt64(next) != nil, case let .array(keys) = reply[1] else {
            throw RedisError.protocolError(detail: "SCAN's answer is not a cursor and a list of keys")
        }
        return (next, keys.compactMap { if case let .text(key) = $0 { key } else { nil } })
    }

    private static func keyGroups(_ connection: RedisConnection) throws -> (groups: [RedisFacts.KeyGroup], error: String?) {
        var keys: [String] = []
        var cursor = "0"
        var pages = 0
        repeat {
            let page = try scan(connection, cursor: cursor)
            keys += page.keys.prefix(sampleKeys - keys.count)
            cursor = page.cursor
            pages += 1
        } while cursor != "0" && keys.count < sampleKeys && pages < samplePages
        return try sizes(of: keys, connection)
    }

    private static func sizes(of keys: [String], _ connection: RedisConnection) throws -> (groups: [RedisFacts.KeyGroup], error: String?) {
        var refused: String?
        var groups: [String: RedisFacts.KeyGroup] = [:]
        for batch in stride(from: 0, to: keys.count, by: 200) {
            let chunk = Array(keys[batch..<min(batch + 200, keys.count)])
            let replies = try connection.pipeline(chunk.map { ["MEMORY", "USAGE", $0] })
            for (key, reply) in zip(chunk, replies) {
                if case let .error(message) = reply { refused = refused ?? String(message.prefix(200)) }
                guard let bytes = reply.integer, (0...SystemCatalog.maximumBytes).contains(bytes) else { continue }
                let prefix = RedisFacts.prefix(of: key)
                groups[prefix, default: RedisFacts.KeyGroup(prefix: prefix, sampledKeys: 0, sampledBytes: 0)].sampledKeys += 1
                groups[prefix]!.sampledBytes += bytes
            }
        }
        return (groups.values.sorted { ($0.sampledBytes, $1.prefix) > ($1.sampledBytes, $0.prefix) }, groups.isEmpty ? refused : nil)
    }

    /// BullMQ keeps a queue's settings in `<prefix>:<queue>:meta`, its jobs in `:wait`, `:active` (lists) and
    /// `:delayed`, `:prioritized`, `:failed`, `:completed` (sorted sets).
    private static func queues(_ connection: RedisConnection) throws -> [RedisFacts.Queue] {
        var names: Set<String> = []
        var cursor = "0"
        var scans = 0
        repeat {
            let page = try scan(connection, cursor: cursor, match: "*:meta")
            names.formUnion(page.keys.map { String($0.dropLast(":meta".count)) })
            cursor = page.cursor
            scans += 1
        } while cursor != "0" && scans < metaScans && names.count < maximumQueues
        return try names.sorted().prefix(maximumQueues).map { name in
            let counts = try connection.pipeline([["LLEN", "\(name):wait"], ["LLEN", "\(name):active"], ["ZCARD", "\(name):delayed"],
                                                  ["ZCARD", "\(name):prioritized"], ["ZCARD", "\(name):failed"],
                                                  ["ZCARD", "\(name):completed"]])
                .map { reply in min(max(0, reply.integer ?? 0), 1 << 32) }
            return RedisFacts.Queue(name: name, waiting: counts[0] + counts[3], active: counts[1], delayed: counts[2],
                                    failed: counts[4], completed: counts[5])
        }
    }
}
