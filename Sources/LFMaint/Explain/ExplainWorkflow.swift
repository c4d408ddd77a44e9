import LFMaintEdges
import LFMaintSupport

/// `lfmaint explain`: samples every volume, then asks what fills each — ClickHouse's system tables on
/// each replica, Postgres' catalog, Redis' INFO and a bounded SCAN — and balances it against the used
/// bytes. Reads only, within the sample run's deadline. A Postgres or Redis volume measured by its own
/// server is not sampled first: what fills it says its size too. A ClickHouse volume is (the sample finds
/// the replicas), and its `system.disks` is read again right after its parts, so that the two agree.
public struct ExplainWorkflow: Sendable {
    let sampling: SampleWorkflow
    /// The Postgres and Redis volumes their own server measures, in the configured order.
    let measuredByFacts: [VolumeSettings]
    let order: [String]

    public init(config: Configuration, volumes: [VolumeSettings]) {
        let byFacts = volumes.filter { $0.component != .clickhouse && Self.measuresItself($0) }
        measuredByFacts = byFacts
        order = volumes.map(\.name)
        sampling = SampleWorkflow(config: config, volumes: volumes.filter { !byFacts.contains($0) }, topLimit: 0)
    }

    public init(sampling: SampleWorkflow) {
        self.sampling = sampling
        measuredByFacts = []
        order = sampling.volumes.map(\.name)
    }

    static func measuresItself(_ volume: VolumeSettings) -> Bool {
        volume.source.rawValue == volume.component.rawValue
    }

    /// `forecasts`: seconds to full by volume name, as the agent has them.
    public func run(forecasts: [String: Double] = [:]) async -> [VolumeAccount] {
        var run = await sampling.run()
        // Their numbers come with what fills them (`account`).
        run.samples += measuredByFacts.map { VolumeSample(volume: $0, usedBytes: nil, totalBytes: nil, availableBytes: nil) }
        let position = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        func rank(_ item: (offset: Int, element: VolumeSample)) -> (Int, Int) {
            (position[item.element.volume.replicaOf ?? item.element.volume.name, default: 0], item.offset)
        }
        run.samples = run.samples.enumerated().sorted { rank($0) < rank($1) }.map(\.element)
        return await accounts(for: run, forecasts: forecasts)
    }

    enum Facts {
        case clickhouse(ClickHouseDiskFacts)
        case postgres(PostgresFacts)
        case redis(RedisFacts)
        /// The object store: nothing to read, its account is one line.
        case objectStore
    }

    public func accounts(for run: SampleRun, forecasts: [String: Double] = [:]) async -> [VolumeAccount] {
        let config = sampling.config
        let deadline = sampling.sourceDeadlineSeconds
        let asked = Set(run.samples.filter { $0.status == .ok }.map(\.volume.component))
        async let postgres = asked.contains(.postgres)
            ? Self.read(within: deadline, config.postgres.map { settings in { try await PostgresFactsReader(settings: settings).read() } }) : nil
        async let redis = asked.contains(.redis) ? Self.read(within: deadline, config.redis.map(RedisFactsReader.init)?.read) : nil
        async let clickhouse = withTaskGroup(of: (Int, Result<ClickHouseDiskFacts, Error>).self) { group in
            for (index, sample) in run.samples.enumerated() where sample.volume.component == .clickhouse && sample.status == .ok {
                let client = Self.client(for: sample.volume, in: run, primary: sampling.clickhouse)
                let disk = sample.volume.disk ?? "default"
                group.addTask {
                    (index, await Self.read(within: deadline,
                                            { try await ClickHouseDiskFactsReader(client: try client.get()).read(disk: disk) })!)
                }
            }
            return await group.reduce(into: [Int: Result<ClickHouseDiskFacts, Error>]()) { $0[$1.0] = $1.1 }
        }
        let (clickhouseFacts, postgresFacts, redisFacts) = await (clickhouse, postgres, redis)
        return run.samples.enumerated().map { index, sample in
            let facts: Result<Facts, Error>? = switch sample.volume.component {
            case .clickhouse: clickhouseFacts[index].map { $0.map(Facts.clickhouse) }
            case .postgres: postgresFacts.map { $0.map(Facts.postgres) }
            case .redis: redisFacts.map { $0.map(Facts.redis) }
            case .minio: .success(.objectStore)
            }
            var account = Self.account(sample, facts, langfuseDatabase: config.clickhouse.database)
            account.secondsToFull = forecasts[sample.volume.name]
            account.nextStep = NextStep.sentence(for: account)
            return account
        }
    }

    /// The server a ClickHouse volume is on: its replica's, or the one server; a replica the run did not
    /// find is an error, never another server's disk.
    static func client(for volume: VolumeSettings, in run: SampleRun, primary: ClickHouseClient) -> Result<ClickHouseClient, Error> {
        guard let url = volume.replica else { return .success(primary) }
        guard let replica = run.replicas?.replica(url: url) else {
            return .failure(ClickHouseError.unexpectedResponse(host: url, detail: "the replica is not among those the sample found",
                                                                statement: "-"))
        }
        return .success(replica.client)
    }

    /// `body` within `seconds`, its failure as a value; nil when there is nothing to read.
    static func read<Facts: Sendable>(within seconds: Double,
                                      _ body: (@Sendable () async throws -> Facts)?) async -> Result<Facts, Error>? {
        guard let body else { return nil }
        do { return .success(try await withDeadline(seconds: seconds, body)) } catch { return .failure(error) }
    }

    /// The account of one volume from its sample and what its source said. A volume its own source measures
    /// (ClickHouse's system.disks, Redis' memory, Postgres' databases) takes its used bytes from the same
    /// read as its lines, so that nothing written between the two reads unbalances them.
    static func account(_ sample: VolumeSample, _ facts: Result<Facts, Error>?, langfuseDatabase: String) -> VolumeAccount {
        var account = VolumeAccount(sample: sample)
        let measuredBySource = measuresItself(sample.volume)
        guard sample.status == .ok, sample.usedBytes != nil || measuredBySource else {
            account.error = sample.error ?? "its used bytes are unknown"
            return account
        }
        switch facts {
        case nil:
            account.error = "nothing says what fills it (its component is not configured)"
        case let .failure(error):
            account.error = String(describing: error)
        case let .success(.clickhouse(facts)):
            if measuredBySource {
                account.sample.totalBytes = facts.totalBytes
                account.sample.availableBytes = facts.freeBytes
                account.sample.usedBytes = facts.totalBytes - facts.freeBytes
            }
            account.lines = ClickHouseAccount.lines(facts, used: account.sample.usedBytes ?? 0, langfuseDatabase: langfuseDatabase)
            account.notes = ClickHouseAccount.notes(facts)
        case let .success(.postgres(facts)):
            // Postgres measured by itself counts its databases and the WAL it may list, nothing else.
            if measuredBySource { account.sample.usedBytes = (facts.databases.map(\.bytes) + [facts.walBytes ?? 0]).saturatingSum }
            account.lines = PostgresAccount.lines(facts, used: account.sample.usedBytes ?? 0)
            account.notes = PostgresAccount.notes(facts)
        case let .success(.redis(facts)):
            if measuredBySource {
                // As `RedisSampler` measures it: memory against maxmemory, when there is one.
                account.sample.usedBytes = facts.usedMemory
                account.sample.totalBytes = facts.maxmemory > 0 ? facts.maxmemory : nil
                account.sample.availableBytes = facts.maxmemory > 0 ? max(facts.maxmemory - facts.usedMemory, 0) : nil
            }
            account.lines = RedisAccount.lines(facts, used: account.sample.usedBytes ?? 0, inMemory: measuredBySource)
            account.notes = RedisAccount.notes(facts, inMemory: measuredBySource)
        case .success(.objectStore):
            account.lines = [AccountLine(kind: .objectStoreData, name: "the object store's files (raw events, media, batch exports)",
                                         bytes: account.sample.usedBytes ?? 0,
                                         freedBy: "an expiry rule on the events prefix (lfmaint s3 apply); "
                                             + "media and exports are never expired",
                                         remedy: .operatorOnly)]
        }
        return account
    }
}
