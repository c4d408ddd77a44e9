import Foundation
import LFMaint
import Testing

@Suite("ClickHouse versions and errors")
struct ServerVersionAndErrorTests {
    @Test func versionsCompareNumerically() throws {
        #expect(try #require(ServerVersion("18.16.1")) < ServerVersion("19.6")!)
        #expect(try #require(ServerVersion("26.9.2.1")) > ServerVersion("25.10")!)
        #expect(ServerVersion("19.10.1")! > ServerVersion("19.6.3")!)
        #expect(ServerVersion("not a version") == nil)
    }

    @Test func featuresAreGatedByVersion() {
        let old = ServerVersion("18.16.1")!
        let new = ServerVersion("26.9.2.1")!
        #expect(!old.supports(.ttl) && !old.supports(.systemDisks) && !old.supports(.lightweightDelete))
        #expect(new.supports(.ttl) && new.supports(.systemDisks) && new.supports(.lightweightDelete))
        #expect(ServerVersion("22.7")!.supports(.ttl) && !ServerVersion("22.7")!.supports(.lightweightDelete))
    }

    @Test func theRefusalNamesVersionAndFeature() {
        let error = ClickHouseError.unsupported(host: "http://ch:8123", serverVersion: "18.16.1", feature: .ttl)
        #expect(error.description == "ClickHouse 18.16.1 at http://ch:8123 does not support table TTL (needs 19.6 or newer); nothing was changed")
    }
}
