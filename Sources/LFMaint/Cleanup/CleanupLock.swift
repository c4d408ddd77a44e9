import Foundation
import Logging
import Synchronization

/// Keeps two cleanup runs from overlapping.
/// - With Postgres configured: a session-level advisory lock, held while the connection lives
///   (closing it releases the lock, even if lfmaint dies).
/// - Without it: a row in a `Memory` table on the ClickHouse server, so nothing is written to the
///   disk being freed. Runs take turns by the server's clock; a holder that dies leaves a row that
///   expires on its own. The table lives on the server lfmaint talks to, so on a cluster every run
///   must reach the same server (or Postgres must be configured).
public final class CleanupLock: Sendable {
    public enum LockError: Error, Equatable, CustomStringConvertible {
        case held(key: String, by: String)
        public var description: String {
            switch self {
            case let .held(key, by): "another lfmaint cleanup is running (\(by) \"\(key)\" is held); nothing was done"
            }
        }
    }

    enum Holder: Sendable {
        case none
        case postgres(PostgresConnection)
        case clickhouse(ClickHouseClient, table: QualifiedTableName, holder: String, expirySeconds: Int)
    }

    private let holder: Holder
    public let key: String
    public static let tableName = "lfmaint_cleanup_lock"
    private static let logger = Logger(label: "lfmaint.cleanup")
    /// Until when this holder's row is known to last (by lfmaint's clock): set at each renewal.
    private let renewedUntil = Mutex<ContinuousClock.Instant?>(nil)

    private init(_ holder: Holder, key: String) {
        self.holder = holder
        self.key = key
    }

    public static func acquire(postgres: PostgresSettings?, clickhouse: ClickHouseClient, database: SQLIdentifier, cluster: String,
                               expirySeconds: Int) async throws -> CleanupLock {
        let key = "lfmaint-cleanup:\(cluster)"
        if let postgres { return try await onPostgres(postgres, key: key) }
        return try await onClickHouse(clickhouse, database: database, key: key, expirySeconds: expirySeconds)
    }

    static func onPostgres(_ postgres: PostgresSettings, key: String) async throws -> CleanupLock {
        let url = postgres.url.reveal()
        let connection = try await BlockingIO.run { () -> PostgresConnection in
            let connection = try PostgresConnection(url: url)
            let rows = try connection.query("SELECT pg_try_advisory_lock(hashtext($1))", [key])
            guard rows.rows.first?.first == "t" else { throw LockError.held(key: key, by: "Postgres advisory lock") }
            return connection
        }
        return CleanupLock(.postgres(connection), key: key)
    }

    static func onClickHouse(_ client: ClickHouseClient, database: SQLIdentifier, key: String, expirySeconds: Int) async throws -> CleanupLock {
        let table = QualifiedTableName(database: database, table: SQLIdentifier(tableName)!)
        do {
            try await client.execute("""
                CREATE TABLE IF NOT EXISTS \(table.quoted) (name String, holder String, acquired DateTime64(6), expires DateTime) ENGINE = Memory
                """)
        } catch let error as ClickHouseError where error.isOutOfSpace {
            // Creating the table writes a few hundred bytes of metadata; on a disk too full for that,
            // freeing space matters more than the lock (every step is still guarded on its own).
            logger.warning("cannot create the ClickHouse lock table on a full disk; running without a lock", metadata: ["error": "\(error)"])
            return CleanupLock(.none, key: key)
        }
        let holder = UUID().uuidString
        let lock = CleanupLock(.clickhouse(client, table: table, holder: holder, expirySeconds: expirySeconds), key: key)
        try await lock.refresh()
        // Every live holder inserted its row before it looked; the earliest row wins, for everyone who looks.
        let first = try await client.readText("""
            SELECT holder FROM \(table.quoted) WHERE name = {name:String}
            GROUP BY holder HAVING max(expires) > now() ORDER BY min(acquired), holder LIMIT 1
            """, parameters: ["name": key])
        guard first == holder else {
            await lock.release()
            throw LockError.held(key: key, by: "ClickHouse lock in \(table)")
        }
        return lock
    }

    /// Extends a ClickHouse lock's expiry; Postgres needs nothing.
    public func refresh() async throws {
        guard case let .clickhouse(client, table, holder, expirySeconds) = holder else { return }
        let start = ContinuousClock.now
        try await client.execute("INSERT INTO \(table.quoted) SELECT {name:String}, {holder:String}, now64(6), now() + {expiry:UInt32}",
                                 parameters: ["name": key, "holder": holder, "expiry": String(expirySeconds)])
        renewedUntil.withLock { $0 = start + .seconds(expirySeconds) }
    }

    /// Renews the lock before a step; false when it could not be renewed and less than half its
    /// expiry is left: a step may last that long (the expiry is at least twice the statement
    /// timeout), and must not outlive the lock. A failed renewal is logged.
    public func keepAlive() async -> Bool {
        guard case let .clickhouse(_, _, _, expirySeconds) = holder else { return true }
        do {
            try await refresh()
            return true
        } catch {
            let left = renewedUntil.withLock { $0 }.map { ContinuousClock.now.duration(to: $0) } ?? .zero
            Self.logger.warning("cannot renew the ClickHouse cleanup lock", metadata: ["error": "\(error)", "seconds_left": "\(left.components.seconds)"])
            return left > .seconds(expirySeconds) / 2
        }
    }

    /// Releases the lock (and clears expired rows). A failure is logged: the row expires on its own.
    /// Runs to the end even when the caller is being cancelled (lfmaint stopping).
    public func release() async {
        await Task { await releaseNow() }.value
    }

    private func releaseNow() async {
        switch holder {
        case .none: return
        case .postgres(let connection):
            _ = try? await BlockingIO.run { try connection.query("SELECT pg_advisory_unlock(hashtext($1))", [self.key]) }
        case let .clickhouse(client, table, holder, _):
            do {
                try await client.execute("ALTER TABLE \(table.quoted) DELETE WHERE holder = {holder:String} OR expires <= now()",
                                         parameters: ["holder": holder], settings: ["mutations_sync": "1"])
            } catch {
                Self.logger.warning("cannot release the ClickHouse lock; it expires on its own", metadata: ["error": "\(error)"])
            }
        }
    }
}
