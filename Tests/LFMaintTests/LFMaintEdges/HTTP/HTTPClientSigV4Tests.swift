import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

/// curl's built-in SigV4 against moto: moto routes a request to a service by the credential scope
/// of its signed Authorization header, so only a correctly signed request reaches CloudWatch.
@Suite("HTTP client ↔ moto CloudWatch (SigV4)", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct HTTPClientSigV4Tests {
    let client = HTTPClient()

    func signed(_ form: String) throws -> HTTPClientRequest {
        HTTPClientRequest(
            method: .post, url: "\(try TestStack.motoURL)/",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data(form.utf8),
            awsSigV4: AWSSigV4(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Secret("test-secret"),
                               sessionToken: Secret("test-token"), region: "eu-west-1", service: "monitoring"))
    }

    @Test func aSignedPutMetricDataIsAcceptedAndListed() async throws {
        let metric = "SigV4Probe\(UInt32.random(in: 0...UInt32.max))"
        let put = try await client.send(try signed(
            "Action=PutMetricData&Version=2010-08-01&Namespace=LFMaintTest&MetricData.member.1.MetricName=\(metric)&MetricData.member.1.Value=42&MetricData.member.1.Unit=Percent"))
        #expect(put.status == 200, "\(put.bodyText)")
        let list = try await client.send(try signed("Action=ListMetrics&Version=2010-08-01&Namespace=LFMaintTest"))
        #expect(list.status == 200)
        #expect(list.bodyText.contains(metric))
    }

    @Test func withoutTheSignatureTheRequestDoesNotReachCloudWatch() async throws {
        var request = try signed("Action=ListMetrics&Version=2010-08-01")
        request.awsSigV4 = nil
        let response = try await client.send(request)
        #expect(!response.bodyText.contains("ListMetricsResponse"))
    }
}
