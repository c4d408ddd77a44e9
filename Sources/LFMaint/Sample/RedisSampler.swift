import Foundation
import LFMaintEdges
import LFMaintSupport

/// What fills Redis: `INFO memory` and `INFO persistence`. As a sampler (`source: redis`) it reports
/// used memory against `maxmemory` (no capacity when maxmemory is 0, i.e. unlimited).
struct RedisSampler: UsageDetailSource, VolumeSource {
    static let name = "redis"
    static let measuresAnyVolume = false
    static let measuresFileSystem = false
    static let setting = "REDIS_CONNECTION_STRING"

    let settings: RedisSettings

    init(settings: RedisSettings) {
        self.settings = settings
    }

    init?(_ context: SamplingContext) {
        guard let settings = context.config.redis else { return nil }
        self.init(settings: settings)
    }

    /// The `key:value` lines of `INFO memory` and `INFO persistence`.
    func info() async throws -> [String: String] {
        let settings = self.settings
        return try await BlockingIO.run {
            try RedisConnection(settings: settings).info(["memory", "persistence"])
        }
    }

    static let memoryFields = ["used_memory", "used_memory_rss", "used_memory_dataset", "maxmemory", "aof_current_size", "aof_base_size"]

    func top(limit: Int) async throws -> [UsageItem] {
        Array(Self.items(try await info()).prefix(limit))
    }

    static func items(_ fields: [String: String]) -> [UsageItem] {
        memoryFields.compactMap { name in fields[name].flatMap { Int64($0) }.map { UsageItem(name: name, bytes: $0, kind: .memory) } }
    }

    func sample(_ volumes: [VolumeSettings]) async -> [VolumeSample] {
        do {
            let fields = try await info()
            guard let used = fields["used_memory"].flatMap({ Int64($0) }) else {
                return volumes.map { .unknown($0, "Redis INFO memory has no used_memory") }
            }
            let maxmemory = fields["maxmemory"].flatMap { Int64($0) } ?? 0
            let items = Self.items(fields)
            return volumes.map { volume in
                guard used >= 0, maxmemory >= 0 else {
                    return .unknown(volume, "Redis reports impossible numbers (used_memory \(used), maxmemory \(maxmemory)); not trusted")
                }
                // Redis may exceed maxmemory for a while (it evicts after the write): that is 100 %, not more.
                var sample = VolumeSample(volume: volume, usedBytes: used, totalBytes: maxmemory > 0 ? maxmemory : nil,
                                          availableBytes: maxmemory > 0 ? max(maxmemory - used, 0) : nil)
                sample.top = items
                return sample
            }
        } catch {
            return volumes.map { .unknown($0, String(describing: error)) }
        }
    }
}

extension VolumeSettings.Source {
    static var redis: Self { Self(RedisSampler.self) }
}
