import Foundation
import LFMaintEdges
import LFMaintSupport

/// One record per executed step: always a JSON line on stderr, and a row in Postgres's
/// `lfmaint_audit` (schema in sql/lfmaint-audit.sql, created if missing) when DATABASE_URL is set.
struct CleanupAudit: Sendable {
    let postgres: PostgresSettings?
    let write: @Sendable (String) -> Void

    init(postgres: PostgresSettings?, write: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError) {
        self.postgres = postgres
        self.write = write
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS lfmaint_audit (
            id bigserial PRIMARY KEY,
            run_id text NOT NULL,
            at timestamptz NOT NULL DEFAULT now(),
            table_name text NOT NULL,
            action text NOT NULL,
            statement text NOT NULL,
            freed_bytes bigint,
            usage_before double precision,
            usage_after double precision,
            outcome text NOT NULL,
            reason text
        )
        """

    /// Runs to the end even when the caller is being cancelled (lfmaint stopping): the record must not
    /// be abandoned with the step.
    func record(_ outcome: CleanupOutcome, runID: String) async {
        await Task { await recordNow(outcome, runID: runID) }.value
    }

    /// `2026-12-01T22:41:19.123Z`: milliseconds, so that steps of different runs can be told apart in time.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    private func recordNow(_ outcome: CleanupOutcome, runID: String) async {
        var object: [String: Any] = [
            "event": "cleanup-step", "run": runID, "table": outcome.step.table.description, "action": outcome.step.action.rawValue,
            "statement": outcome.statementText, "status": outcome.status.rawValue,
        ]
        if let reason = outcome.reason { object["reason"] = reason }
        if let freed = outcome.freedBytes { object["freedBytes"] = freed }
        if let before = outcome.usageBefore { object["usageBefore"] = before }
        if let after = outcome.usageAfter { object["usageAfter"] = after }
        if outcome.pendingBytes > 0 { object["pendingBytes"] = outcome.pendingBytes }
        if let started = outcome.started, let finished = outcome.finished {
            object["started"] = Self.timestamp(started)
            object["finished"] = Self.timestamp(finished)
        }
        if let line = JSONLine.render(object) { write(line) }
        guard let postgres else { return }
        let url = postgres.url.reveal()
        let values: [String?] = [runID, outcome.step.table.description, outcome.step.action.rawValue, outcome.statementText,
                                 outcome.freedBytes.map(String.init), outcome.usageBefore.map { String($0) }, outcome.usageAfter.map { String($0) },
                                 outcome.status.rawValue, outcome.reason]
        do {
            try await BlockingIO.run {
                let connection = try PostgresConnection(url: url)
                try connection.query(Self.schema)
                try connection.query("""
                    INSERT INTO lfmaint_audit (run_id, table_name, action, statement, freed_bytes, usage_before, usage_after, outcome, reason)
                    VALUES ($1, $2, $3, $4, $5::bigint, $6::double precision, $7::double precision, $8, $9)
                    """, values)
            }
        } catch {
            if let line = JSONLine.render(["event": "audit-failed", "error": String(describing: error)]) { write(line) }
        }
    }
}
