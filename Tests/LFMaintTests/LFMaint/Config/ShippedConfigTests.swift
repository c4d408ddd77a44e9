import Foundation
@testable import LFMaint
import Testing

/// The config shipped in k8s/ is the one operators start from: it must load as it is.
@Suite("Shipped Kubernetes config")
struct ShippedConfigTests {
    static let file = Repository.file("k8s/base/lfmaint.yaml")

    @Test func itLoadsWithEveryVolumeAndTheAgentSection() throws {
        let config = try ConfigurationLoader.load(path: Self.file.path, environment: ["AWS_REGION": "eu-west-1"])
        #expect(config.volumes.map(\.name) == ["clickhouse", "postgres", "redis"])
        #expect(config.agent.listen == "0.0.0.0:9464")
        #expect(config.publish == [.cloudwatch])
    }
}
