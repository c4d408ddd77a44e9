import Foundation
import LFMaintSupport

/// One JSON line on stderr for every statement lfmaint runs that changes something, whatever the
/// log format: `{"event":"statement","table":…,"statement":…,"durationMs":…,"result":"ok"|"error",…}`.
public struct StatementLog: Sendable {
    private let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError) {
        self.write = write
    }

    func record(table: QualifiedTableName, statement: String, durationSeconds: Double, error: Error?) {
        var object: [String: Any] = [
            "event": "statement",
            "table": table.description,
            "statement": statement,
            "durationMs": Int((durationSeconds * 1000).rounded()),
            "result": error == nil ? "ok" : "error",
        ]
        if let error { object["error"] = String(describing: error) }
        if let line = JSONLine.render(object) { write(line) }
    }
}
