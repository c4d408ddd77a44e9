import Foundation
@testable import LFMaint
@testable import LFMaintEdges
import Testing

@Suite("libpq ↔ PostgreSQL 15", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct PostgresConnectionTests {
    @Test func parameterisedQueriesSendValuesApartFromSQL() throws {
        let connection = try PostgresConnection(url: TestStack.databaseURL)
        let hostile = "x'); DROP TABLE users; --"
        let rows = try connection.query("SELECT $1::text AS echoed, $2::int + 1 AS next, $3::text IS NULL AS null_ok", [hostile, "41", nil])
        #expect(rows.columns == ["echoed", "next", "null_ok"])
        #expect(rows.rows == [[hostile, "42", "t"]])
    }

    /// Releasing an advisory lock that is not held makes the server send a WARNING notice, which libpq
    /// would print on stderr by itself and break `--log-format json`.
    @Test func aServerNoticeIsNotPrintedOnStandardError() throws {
        let connection = try PostgresConnection(url: TestStack.databaseURL)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-notice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let capture = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let saved = dup(2)
        dup2(capture, 2)
        let rows = try? connection.query("SELECT pg_advisory_unlock(hashtext('lfmaint-never-held'))")
        dup2(saved, 2)
        close(capture)
        close(saved)
        #expect(rows?.rows == [["f"]])
        let printed = try String(contentsOf: file, encoding: .utf8)
        #expect(!printed.contains("you don't own a lock"), "\(printed)")
    }

    @Test func aBadStatementCarriesItsSQLSTATE() throws {
        let connection = try PostgresConnection(url: TestStack.databaseURL)
        #expect {
            try connection.query("SELECT * FROM no_such_table_here")
        } throws: { error in
            (error as? PostgresError)?.sqlstate == "42P01"
        }
        // The connection is still usable after a failed statement.
        #expect(try connection.query("SELECT 1").rows == [["1"]])
    }

    @Test func aWrongPasswordIsAConnectionErrorWithoutThePassword() throws {
        let good = try TestStack.databaseURL
        var components = URLComponents(string: good)!
        components.password = "definitely-wrong"
        #expect {
            _ = try PostgresConnection(url: components.string!)
        } throws: { error in
            guard case .connectionFailed(let url, let message)? = error as? PostgresError else { return false }
            return message.contains("password authentication failed") && !url.contains("definitely-wrong")
                && !String(describing: error).contains("definitely-wrong")
        }
    }

    @Test func anUnreachableHostIsAConnectionError() throws {
        let url = "postgresql://lfmaint:x@127.0.0.1:\(TestStack.closedPort())/langfuse"
        #expect {
            _ = try PostgresConnection(url: url, connectTimeoutSeconds: 2)
        } throws: { error in
            guard case .connectionFailed(_, let message)? = error as? PostgresError else { return false }
            return message.contains("Connection refused")
        }
    }

    @Test func aNonPostgresURLIsRefusedBeforeConnecting() {
        #expect(throws: PostgresError.invalidURL(url: "mysql://u:***@h/db", reason: "expected postgres:// or postgresql://")) {
            _ = try PostgresConnection(url: "mysql://u:secret@h/db")
        }
    }
}
