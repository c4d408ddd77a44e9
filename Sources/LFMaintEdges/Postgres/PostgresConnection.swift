import CLibPQ
import Foundation
import LFMaintSupport
import Synchronization

/// Rows of a result in libpq's text format; `nil` is SQL NULL.
public struct PostgresRows: Sendable, Equatable {
    var columns: [String]
    public var rows: [[String?]]
}

/// One libpq connection. Calls are serialised; the connection is closed (`PQfinish`) on deinit.
public final class PostgresConnection: Sendable {
    private let connection: Mutex<ConnectionPointer>
    let printableURL: String

    /// Connects from a `postgres://` or `postgresql://` URL, as in Langfuse's `DATABASE_URL`.
    public init(url: String, connectTimeoutSeconds: Int = 5) throws {
        printableURL = Redaction.url(url)
        guard let scheme = URLComponents(string: url)?.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw PostgresError.invalidURL(url: printableURL, reason: "expected postgres:// or postgresql://")
        }
        // statement_timeout: a stalled server must not keep a connection and its thread for ever.
        let keywords = ["dbname", "connect_timeout", "application_name", "options"]
        let values = [url, String(max(connectTimeoutSeconds, 2)), "lfmaint", "-c statement_timeout=30000"]
        let raw = withCStringArray(keywords) { keys in
            withCStringArray(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let raw else { throw PostgresError.connectionFailed(url: printableURL, message: "out of memory") }
        guard PQstatus(raw) == CONNECTION_OK else {
            let message = Redaction.scrub(Self.errorMessage(raw), passwordOf: url)
            PQfinish(raw)
            throw PostgresError.connectionFailed(url: printableURL, message: message)
        }
        // libpq prints NOTICE lines to stderr by default, which would break --log-format json.
        PQsetNoticeProcessor(raw, { _, _ in }, nil)
        connection = Mutex(ConnectionPointer(raw: raw))
    }

    deinit {
        connection.withLock { PQfinish($0.raw) }
    }

    /// Runs one statement with `$1, $2, …` parameters sent apart from the SQL text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try connection.withLock { connection in
            let result = withOptionalCStringArray(parameters) { params in
                PQexecParams(connection.raw, sql, Int32(parameters.count), nil, params, nil, nil, 0)
            }
            guard let result else {
                throw PostgresError.connectionLost(message: Self.errorMessage(connection.raw))
            }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                return Self.rows(of: result)
            default:
                if PQstatus(connection.raw) != CONNECTION_OK {
                    throw PostgresError.connectionLost(message: Self.errorMessage(connection.raw))
                }
                throw Self.queryError(result)
            }
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let rows = (0..<rowCount).map { row in
            (0..<columnCount).map { column -> String? in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        return PostgresRows(columns: columns, rows: rows)
    }

    private static func queryError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        return .queryFailed(
            sqlstate: field(lfm_pg_diag_sqlstate()) ?? "?????",
            message: field(lfm_pg_diag_message_primary()) ?? String(cString: PQresultErrorMessage(result)),
            detail: field(lfm_pg_diag_message_detail())
        )
    }

    private static func errorMessage(_ raw: OpaquePointer) -> String {
        String(cString: PQerrorMessage(raw)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

private struct ConnectionPointer: @unchecked Sendable {
    let raw: OpaquePointer
}

private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStringArray(strings.map { Optional($0) }) { pointers in
        body(pointers!)
    }
}

/// A NULL-terminated array of C strings (NULL entries allowed) that lives for the call.
private func withOptionalCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
