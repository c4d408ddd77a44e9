import LFMaintEdges
import LFMaintSupport

/// What fills a Postgres volume: every database's size, the write-ahead log (when the role may list it),
/// and the largest relations of the database lfmaint connects to, with their live and dead tuples.
struct PostgresFacts: Sendable, Equatable {
    struct Relation: Sendable, Equatable {
        var name: String
        /// With indexes and TOAST (`pg_total_relation_size`).
        var totalBytes: Int64
        /// Heap and TOAST only (`pg_table_size`): what dead tuples take part of.
        var tableBytes: Int64
        var liveTuples: Int64
        var deadTuples: Int64

        /// The share of the table dead tuples take, as `VACUUM FULL` would give it back.
        var reclaimableBytes: Int64 {
            let tuples = liveTuples + deadTuples
            guard tuples > 0, deadTuples > 0 else { return 0 }
            return Int64(Double(tableBytes) * Double(deadTuples) / Double(tuples))
        }
    }

    struct Database: Sendable, Equatable {
        var name: String
        var bytes: Int64
    }

    var databases: [Database] = []
    /// nil: not asked, or the role may not list pg_wal (it needs pg_monitor).
    var walBytes: Int64?
    var relations: [Relation] = []

    init() {}
}

/// Reads `PostgresFacts` with three queries (two without the WAL); sizes no server sends (negative, beyond a
/// pebibyte) are refused. `lfmaint sample` reads its databases and relations here too.
struct PostgresFactsReader: Sendable {
    let settings: PostgresSettings

    init(settings: PostgresSettings) {
        self.settings = settings
    }

    func read(relationLimit: Int = 10, wal: Bool = true) async throws -> PostgresFacts {
        let url = settings.url.reveal()
        let limit = String(relationLimit)
        return try await BlockingIO.run {
            let connection = try PostgresConnection(url: url)
            var facts = PostgresFacts()
            facts.databases = try connection.query("SELECT datname, pg_database_size(datname) FROM pg_database "
                                                   + "WHERE datallowconn ORDER BY 2 DESC")
                .rows.map { row in
                    PostgresFacts.Database(name: row[0] ?? "?", bytes: try Self.number(row[1], "the size of database \(row[0] ?? "?")"))
                }
            facts.relations = try connection.query("""
                SELECT current_database() || '.' || n.nspname || '.' || c.relname, pg_total_relation_size(c.oid), pg_table_size(c.oid),
                       coalesce(s.n_live_tup, 0), coalesce(s.n_dead_tup, 0)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
                WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                ORDER BY 2 DESC LIMIT $1
                """, [limit]).rows.map { row in
                let name = row[0] ?? "?"
                return PostgresFacts.Relation(name: name, totalBytes: try Self.number(row[1], "the size of \(name)"),
                                              tableBytes: try Self.number(row[2], "the table size of \(name)"),
                                              liveTuples: try Self.number(row[3], "live tuples of \(name)"),
                                              deadTuples: try Self.number(row[4], "dead tuples of \(name)"))
            }
            if wal {
                facts.walBytes = try? connection.query("SELECT coalesce(sum(size), 0) FROM pg_ls_waldir()").rows.first
                    .map { try Self.number($0[0], "pg_wal's size") }
            }
            return facts
        }
    }

    static func number(_ text: String?, _ what: String, max: Int64 = SystemCatalog.maximumBytes) throws -> Int64 {
        guard let value = text.flatMap({ Int64($0) }), (0...max).contains(value) else {
            throw PostgresError.unexpected("\(what) is \"\(text ?? "NULL")\", not a number Postgres sends")
        }
        return value
    }
}
