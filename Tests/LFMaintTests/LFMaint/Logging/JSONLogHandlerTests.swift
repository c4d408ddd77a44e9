import Foundation
@testable import LFMaint
@testable import LFMaintSupport
import Logging
import Synchronization
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test func eachEventIsOneJSONObjectWithMetadata() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "lfmaint.test") { label in
            JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
        }
        logger.logLevel = .debug
        logger.info("ran statement", metadata: ["table": "default.traces", "rows": .stringConvertible(42), "secret": "\(Secret("pw"))"])
        let captured = lines.withLock { $0 }
        #expect(captured.count == 1)
        #expect(!captured[0].contains("\n"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(captured[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "ran statement")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "lfmaint.test")
        #expect(object["table"] as? String == "default.traces")
        #expect(object["rows"] as? Int == 42)
        #expect(object["secret"] as? String == "***")
        #expect(object["time"] is String)
    }
}
