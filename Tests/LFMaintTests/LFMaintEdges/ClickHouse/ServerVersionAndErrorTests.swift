import Foundation
@testable import LFMaint
@testable import LFMaintEdges
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

    @Test func onlyConnectionFailuresAreRetried() {
        #expect(ClickHouseClient.isRetryable(.connectFailed(url: "u", detail: "d")))
        #expect(ClickHouseClient.isRetryable(.timedOut(url: "u", afterSeconds: 1)))
        #expect(!ClickHouseClient.isRetryable(.tlsFailed(url: "u", detail: "d")))
        #expect(!ClickHouseClient.isRetryable(.invalidRequest(url: "u", reason: "r")))
    }

    @Test func clusterModeNamesTheCluster() {
        var settings = ClickHouseSettings()
        settings.clusterEnabled = true
        #expect(ClickHouseClient(settings: settings).cluster.sql == " ON CLUSTER `default`")
        settings.clusterEnabled = false
        #expect(ClickHouseClient(settings: settings).cluster.sql == "")
    }
}
