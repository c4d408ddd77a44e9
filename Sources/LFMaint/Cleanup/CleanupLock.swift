import Foundation
import LFMaintEdges
import LFMaintSupport
import Logging
import Synchronization

/// Keeps two cleanup runs against one ClickHouse from overlapping, whatever each was configured with.
/// - Always: a claim in a `Memory` table on the ClickHouse server (nothing written to the disk being
///   freed). Every run inserts its claim and then looks; the earliest live claim wins, for everyone who
///   looks. It looks twice, a moment apart, so that a claim still on its way in when it first looked
///   is seen; and at every renewal it looks again: a run that is no longer the earliest stops. A holder
///   that dies leaves a claim that expires on its own.
/// - With Postgres configured, also: a session-level advisory lock, held while the connection lives.
/// Renewal fails, and the run stops, when either cannot be renewed or verified. A run renews by time
/// (`renewIfDue`), not per statement: a partition of 2,000 parts must not cost 6,000 lock queries.
public final class CleanupLock: Sendable {
    public enum LockError: Error, Equatable, CustomStringConvertible {
        case held(key: String, by: String, until: String? = nil)
        public var description: String {
            switch self {
            case let .held(key, by, until):
                "another lfmaint cleanup is running (\(by) \"\(key)\" is held"
                    + (until.map { "; a holder that died lets it go at \($0)" } ?? "") + "); nothing was done"
            }
        }
    }

    enum Hold: Sendable {
        case postgres(PostgresConnection, key: String)
        case clickhouse(ClickHouseClient, table: QualifiedTableName, holder: String, expirySeconds: Int)
    }

    private let holds: [Hold]
    /// When the holds were last renewed and verified; nil once a renewal failed (the run must stop).
    private let renewed: Mutex<ContinuousClock.Instant?>
    /// How long a renewal stands. Every statement ends within its timeout and a claim lasts at least
    /// twice that and at least an hour (`CleanupWorkflow`), so a claim renewed this recently outlasts
    /// any statement started now.
    static let renewalInterval: Duration = .seconds(30)
    static let tableName = "lfmaint_cleanup_lock"
    static let clickHouseKey = "lfmaint-cleanup"
    /// How long a claim is given to arrive before the second look.
    static let settleDelay: Duration = .milliseconds(300)
    private static let logger = Logger(label: "lfmaint.cleanup")

    init(_ holds: [Hold]) {
        self.holds = holds
        renewed = Mutex(ContinuousClock.now)
    }

    static func acquire(postgres: PostgresSettings?, clickhouse: ClickHouseClient, database: SQLIdentifier, cluster: String,
                               expirySeconds: Int) async throws -> CleanupLock {
        var holds: [Hold] = []
        if let postgres { holds.append(try await onPostgres(postgres, key: "lfmaint-cleanup:\(cluster)")) }
        do {
            if let hold = try await onClickHouse(clickhouse, database: database, expirySeconds: expirySeconds) { holds.append(hold) }
        } catch {
            await CleanupLock(holds).release()
            throw error
        }
        return CleanupLock(holds)
    }

    static func onPostgres(_ postgres: PostgresSettings, key: String) async throws -> Hold {
        let url = postgres.url.reveal()
        let connection = try await BlockingIO.run { () -> PostgresConnection in
            let connection = try PostgresConnection(url: url)
            let rows = try connection.query("SELECT pg_try_advisory_lock(hashtext($1))", [key])
            guard rows.rows.first?.first == "t" else { throw LockError.held(key: key, by: "Postgres advisory lock") }
            return connection
        }
        return .postgres(connection, key: key)
    }

    /// Nil when the disk cannot even take the lock table's metadata: freeing space matters more then
    /// (every step is still guarded on its own), and it is logged.
    static func onClickHouse(_ client: ClickHouseClient, database: SQLIdentifier, expirySeconds: Int) async throws -> Hold? {
        let table = QualifiedTableName(database: database, table: SQLIdentifier(tableName)!)
        do {
            try await client.execute(.createLockTable(table))
        } catch let error as ClickHouseError where error.isOutOfSpace {
            logger.warning("cannot create the ClickHouse lock table on a full disk; running without it", metadata: ["error": "\(error)"])
            return nil
        }
        let holder = UUID().uuidString
        let hold = Hold.clickhouse(client, table: table, holder: holder, expirySeconds: expirySeconds)
        do {
            try await client.execute(.claimLock(table, name: clickHouseKey, holder: holder, expirySeconds: expirySeconds))
            for look in 0..<2 {
                if look > 0 { try await Task.sleep(for: settleDelay) }
                guard try await earliestHolder(client, table) == holder else {
                    let until = try? await earliestExpiry(client, table)
                    throw LockError.held(key: clickHouseKey, by: "ClickHouse lock in \(table)", until: until)
                }
            }
        } catch {
            await release(hold)
            throw error
        }
        return hold
    }

    private static func earliestHolder(_ client: ClickHouseClient, _ table: QualifiedTableName) async throws -> String {
        try await client.readText("""
            SELECT holder FROM \(table.quoted) WHERE name = {name:String}
            GROUP BY holder HAVING max(expires) > now() ORDER BY min(acquired), holder LIMIT 1
            """, parameters: ["name": clickHouseKey])
    }

    /// When the winning claim lapses unless renewed, in UTC.
    private static func earliestExpiry(_ client: ClickHouseClient, _ table: QualifiedTableName) async throws -> String {
        try await client.readText("""
            SELECT formatDateTime(max(expires), '%FT%TZ', 'UTC') FROM \(table.quoted) WHERE name = {name:String}
            GROUP BY holder HAVING max(expires) > now() ORDER BY min(acquired), holder LIMIT 1
            """, parameters: ["name": clickHouseKey])
    }

    private static func isLive(_ client: ClickHouseClient, _ table: QualifiedTableName, holder: String) async throws -> Bool {
        try await client.readText("""
            SELECT count() FROM \(table.quoted) WHERE name = {name:String} AND holder = {holder:String} AND expires > now()
            """, parameters: ["name": clickHouseKey, "holder": holder]) != "0"
    }

    /// True while the last renewal stands (`every`, `renewalInterval` unless a test says otherwise);
    /// otherwise renews (`keepAlive`). False for good once a renewal failed.
    func renewIfDue(every interval: Duration = renewalInterval) async -> Bool {
        guard let last = renewed.withLock({ $0 }) else { return false }
        if ContinuousClock.now - last < interval { return true }
        return await keepAlive()
    }

    /// Renews and verifies every hold now; false (logged) when any cannot be: the run must stop.
    func keepAlive() async -> Bool {
        guard renewed.withLock({ $0 }) != nil else { return false }
        let started = ContinuousClock.now
        for hold in holds {
            do {
                switch hold {
                case let .postgres(connection, key):
                    let held = try await BlockingIO.run {
                        try connection.query("""
                            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted)
                            """).rows.first?.first == "t"
                    }
                    guard held else { throw LockError.held(key: key, by: "no longer this run's: Postgres advisory lock") }
                case let .clickhouse(client, table, holder, expirySeconds):
                    // A claim that lapsed may have let another run in: renewing it would make two winners.
                    guard try await Self.isLive(client, table, holder: holder) else {
                        throw LockError.held(key: Self.clickHouseKey, by: "expired, so possibly another run's: ClickHouse lock in \(table)")
                    }
                    try await client.execute(.claimLock(table, name: Self.clickHouseKey, holder: holder, expirySeconds: expirySeconds))
                    guard try await Self.earliestHolder(client, table) == holder else {
                        throw LockError.held(key: Self.clickHouseKey, by: "another run's now: ClickHouse lock in \(table)")
                    }
                }
            } catch {
                Self.logger.warning("cannot renew or verify the cleanup lock; stopping", metadata: ["error": "\(error)"])
                renewed.withLock { $0 = nil }
                return false
            }
        }
        renewed.withLock { $0 = started }
        return true
    }

    /// Each hold gets this long to be released: the agent's shutdown must fit in its budget even when
    /// ClickHouse or Postgres has stopped answering.
    static let releaseSeconds = 2.0

    /// Releases every hold (and clears expired claims). A failure is logged with when the claim expires
    /// on its own; an advisory lock goes with its connection. Runs to the end (each hold within
    /// `releaseSeconds`) even when the caller is being cancelled.
    func release() async {
        for hold in holds { await Self.release(hold) }
    }

    private static func release(_ hold: Hold) async {
        await Task {
            do {
                try await withDeadline(seconds: releaseSeconds) {
                    switch hold {
                    case let .postgres(connection, key):
                        _ = try await BlockingIO.run { try connection.query("SELECT pg_advisory_unlock(hashtext($1))", [key]) }
                    case let .clickhouse(client, table, holder, _):
                        try await client.execute(.releaseLock(table, holder: holder), settings: ["mutations_sync": "1"])
                    }
                }
            } catch {
                switch hold {
                case .postgres:
                    logger.warning("cannot release the Postgres advisory lock; it goes when lfmaint's connection closes",
                                   metadata: ["error": "\(error)"])
                case let .clickhouse(_, table, _, expirySeconds):
                    let latest = Date().addingTimeInterval(Double(expirySeconds)).formatted(.iso8601)
                    logger.warning("cannot release the ClickHouse lock; it expires on its own by \(latest) (\(expirySeconds) s), or delete its row from \(table) sooner",
                                   metadata: ["error": "\(error)"])
                }
            }
        }.value
    }
}
