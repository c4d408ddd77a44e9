import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport

/// The real servers that `testing/stack.sh up` starts on loopback, as its `stack.env` names them.
/// Integration tests run when the stack is up, and must run when `LFMAINT_REQUIRE_STACK=1`
/// (as `testing/test.sh` sets): then a missing stack fails them instead of skipping them.
enum TestStack {
    static let environment = ProcessInfo.processInfo.environment
    static let isUp = environment["LFMAINT_TEST_CHDB_URL"] != nil || environment["LFMAINT_REQUIRE_STACK"] == "1"

    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) is not set: run `testing/stack.sh up` and source its stack.env" }
    }

    static func value(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else { throw Missing(name: name) }
        return value
    }

    static var chdbURL: String { get throws { try value("LFMAINT_TEST_CHDB_URL") } }
    static var ch18URL: String { get throws { try value("LFMAINT_TEST_CH18_URL") } }
    static var clickhouseUser: String { get throws { try value("LFMAINT_TEST_CLICKHOUSE_USER") } }
    static var clickhousePassword: Secret { get throws { Secret(try value("LFMAINT_TEST_CLICKHOUSE_PASSWORD")) } }
    static var databaseURL: String { get throws { try value("LFMAINT_TEST_DATABASE_URL") } }
    static var motoURL: String { get throws { try value("LFMAINT_TEST_MOTO_URL") } }

    static var clickhouseAuth: BasicAuth { get throws { BasicAuth(user: try clickhouseUser, password: try clickhousePassword) } }

    /// A loopback port nothing listens on: bound, then closed.
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(fd, raw, length)
                _ = getsockname(fd, raw, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
