import FlyingFox
import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Synchronization
import Testing

@Suite("AWS credentials: which source is used")
struct AWSCredentialSourceTests {
    @Test func keysWinThenWebIdentityThenTheContainerEndpoint() {
        var settings = CloudWatchSettings()
        settings.region = "eu-west-1"
        #expect(AWSCredentialSource(settings) == nil)
        settings.containerCredentialsURL = "http://169.254.170.23/v1/credentials"
        #expect(AWSCredentialSource(settings) == .container(url: "http://169.254.170.23/v1/credentials", authorizationTokenFile: nil, authorizationToken: nil))
        settings.roleARN = "arn:aws:iam::123456789012:role/lfmaint"
        #expect(AWSCredentialSource(settings) == .container(url: "http://169.254.170.23/v1/credentials", authorizationTokenFile: nil, authorizationToken: nil),
                "a role without its token file is not IRSA")
        settings.webIdentityTokenFile = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
        #expect(AWSCredentialSource(settings) == .webIdentity(roleARN: "arn:aws:iam::123456789012:role/lfmaint",
                                                              tokenFile: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                                                              sessionName: "lfmaint", stsEndpoint: "https://sts.eu-west-1.amazonaws.com/"))
        settings.accessKeyID = "AKIA"
        settings.secretAccessKey = Secret("s")
        #expect(AWSCredentialSource(settings) == .keys(accessKeyID: "AKIA", secretAccessKey: Secret("s"), sessionToken: nil))
    }

    @Test func onlyAnswersThatRefuseTheKeysMakeThemBeFetchedAgain() {
        #expect(AWSCredentialSource.refusesTheKeys(403, nil))
        #expect(AWSCredentialSource.refusesTheKeys(400, "ExpiredToken"))
        #expect(AWSCredentialSource.refusesTheKeys(400, "InvalidClientTokenId"))
        #expect(!AWSCredentialSource.refusesTheKeys(400, "Throttling"))
        #expect(!AWSCredentialSource.refusesTheKeys(400, "InvalidParameterValue"))
        #expect(!AWSCredentialSource.refusesTheKeys(500, nil))
    }

    @Test func theEnvironmentNamesAreTheSDKs() throws {
        let config = try ConfigurationLoader.load(path: nil, environment: [
            "AWS_REGION": "us-east-1", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t",
            "AWS_ROLE_SESSION_NAME": "s", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1/",
        ])
        #expect(AWSCredentialSource(config.cloudwatch) == .webIdentity(roleARN: "arn:aws:iam::1:role/r", tokenFile: "/t", sessionName: "s",
                                                                       stsEndpoint: "http://127.0.0.1:1/"))
    }

    @Test func thePodTokenIsNotSentOverHTTPToOtherHosts() {
        #expect(throws: ConfigError.self) {
            try ConfigurationLoader.load(path: nil, environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://credentials.example/v1"])
        }
        #expect(throws: Never.self) {
            try ConfigurationLoader.load(path: nil, environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"])
        }
    }
}

@Suite("AWS credentials ↔ moto's STS and a replayed Pod Identity agent", .enabled(if: TestStack.isUp, "needs testing/stack.sh up"))
struct AWSCredentialsIntegrationTests {
    static let role = "arn:aws:iam::123456789012:role/lfmaint"

    func tokenFile(_ token: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-token-\(UUID().uuidString)").path
        try token.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A loopback server that keeps the headers of the requests it gets, counts them, and answers
    /// them with `reply` and `status`.
    final class Recorder: Sendable {
        let url: String
        let task: Task<Void, Error>
        private let headers = Mutex<[HTTPHeader: String]>([:])
        private let requests = Atomic<Int>(0)

        init(_ route: String, reply: String, status: HTTPStatusCode = .ok) async throws {
            let port = TestStack.closedPort()
            let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: UInt16(port)), logger: .disabled)
            url = "http://127.0.0.1:\(port)"
            task = Task { try await server.run() }
            await server.appendRoute(HTTPRoute(stringLiteral: route)) { request in
                self.headers.withLock { seen in for (name, value) in request.headers { seen[name] = value } }
                self.requests.add(1, ordering: .relaxed)
                return HTTPResponse(statusCode: status, body: Data(reply.utf8))
            }
            try await server.waitUntilListening()
        }

        func header(_ name: String) -> String? { headers.withLock { $0[HTTPHeader(name)] } }
        var count: Int { requests.load(ordering: .relaxed) }
    }

    @Test func irsaKeysFromSTSSignTheMetricsAndAreKeptUntilNearExpiry() async throws {
        let token = "eyJhbGciOiJSUzI1NiJ9.irsa-\(UUID().uuidString).sig"
        let file = try tokenFile(token)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let provider = AWSCredentialProvider(source: .webIdentity(roleARN: Self.role, tokenFile: file, sessionName: "lfmaint-test",
                                                                  stsEndpoint: try TestStack.motoURL), http: HTTPClient())
        let keys = try await provider.credentials()
        #expect(keys.accessKeyID.hasPrefix("ASIA"), "STS's temporary key: \(keys.accessKeyID)")
        let expiration = try #require(keys.expiration)
        #expect(expiration > Date().addingTimeInterval(600))

        var config = Configuration()
        config.clusterName = "irsa-\(UInt32.random(in: 0...UInt32.max))"
        config.cloudwatch.region = "eu-west-1"
        config.cloudwatch.endpoint = try TestStack.motoURL
        #expect(try await CloudWatchPublisher(config: config, credentials: provider).publish(PublishingIntegrationTests().run().samples) == 3)
        let listed = try await HTTPClient().send(HTTPClientRequest(
            method: .post, url: try TestStack.motoURL, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("Action=ListMetrics&Version=2010-08-01&Namespace=LangfusePVC&Dimensions.member.1.Name=ClusterName&Dimensions.member.1.Value=\(config.clusterName)".utf8),
            awsSigV4: AWSSigV4(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Secret("secret"), region: "eu-west-1", service: "monitoring"))).bodyText
        #expect(listed.components(separatedBy: "<MetricName>").count - 1 == 3, "\(listed)")

        // The same keys sign the request, with their session token.
        let capture = try await Recorder("POST /", reply: "<PutMetricDataResponse/>")
        defer { capture.task.cancel() }
        config.cloudwatch.endpoint = capture.url + "/"
        _ = try await CloudWatchPublisher(config: config, credentials: provider).publish(PublishingIntegrationTests().run().samples)
        #expect(capture.header("Authorization")?.contains("Credential=\(keys.accessKeyID)/") == true, "\(capture.header("Authorization") ?? "none")")
        #expect(capture.header("X-Amz-Security-Token") == keys.sessionToken?.reveal())

        // Kept while valid (the token file is gone and nothing asks for it); fetched again near expiry.
        try FileManager.default.removeItem(atPath: file)
        #expect(try await provider.credentials().accessKeyID == keys.accessKeyID)
        do {
            _ = try await provider.credentials(now: expiration.addingTimeInterval(-60))
            Issue.record("credentials five minutes from expiry must be fetched again")
        } catch {
            #expect("\(error)".contains(file) && "\(error)".contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "\(error)")
            #expect(!"\(error)".contains(token))
        }
    }

    @Test func anUnreachableSTSFailsThePublishWithoutTheToken() async throws {
        let token = "eyJ.secret-\(UUID().uuidString)"
        let file = try tokenFile(token)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var config = Configuration()
        config.cloudwatch.region = "eu-west-1"
        config.cloudwatch.endpoint = try TestStack.motoURL
        config.cloudwatch.roleARN = Self.role
        config.cloudwatch.webIdentityTokenFile = file
        config.cloudwatch.stsEndpoint = "http://127.0.0.1:\(TestStack.closedPort())/"
        let failures = await SamplePublisher(config: { var c = config; c.publish = [.cloudwatch]; return c }()).publish(
            SampleRun(samples: PublishingIntegrationTests().run().samples, sourceUp: [:], durationSeconds: 0))
        #expect(failures.count == 1 && failures[0].contains("cannot connect"), "\(failures)")
        #expect(!failures[0].contains(token))
    }

    @Test func podIdentityKeysCarryThePodsTokenAndSignTheMetrics() async throws {
        let podToken = "pod-identity-\(UUID().uuidString)"
        let file = try tokenFile(podToken + "\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        // The EKS Pod Identity agent's answer, as documented (container credentials provider).
        let agent = try await Recorder("GET /v1/credentials", reply: """
            {"AccessKeyId":"ASIAPODIDENTITYEXAMPLE","SecretAccessKey":"pod-secret","Token":"pod-session-token",
             "AccountId":"123456789012","Expiration":"\(Date().addingTimeInterval(3600).formatted(.iso8601))"}
            """)
        defer { agent.task.cancel() }
        var config = Configuration()
        config.clusterName = "podid-\(UInt32.random(in: 0...UInt32.max))"
        config.cloudwatch.region = "eu-west-1"
        config.cloudwatch.endpoint = try TestStack.motoURL
        config.cloudwatch.containerCredentialsURL = agent.url + "/v1/credentials"
        config.cloudwatch.containerAuthorizationTokenFile = file
        #expect(try await CloudWatchPublisher(config: config).publish(PublishingIntegrationTests().run().samples) == 3)
        #expect(agent.header("Authorization") == podToken)
    }

    @Test func keysWithoutAnExpiryAreKeptTenMinutesAndForgottenWhenAWSRefusesThem() async throws {
        let agent = try await Recorder("GET /v1/credentials", reply: #"{"AccessKeyId":"ASIANOEXPIRY","SecretAccessKey":"s","Token":"t"}"#)
        defer { agent.task.cancel() }
        let provider = AWSCredentialProvider(source: .container(url: agent.url + "/v1/credentials", authorizationTokenFile: nil,
                                                                authorizationToken: Secret("pod")), http: HTTPClient())
        let now = Date()
        _ = try await provider.credentials(now: now)
        _ = try await provider.credentials(now: now.addingTimeInterval(540))
        #expect(agent.count == 1, "kept for ten minutes")
        _ = try await provider.credentials(now: now.addingTimeInterval(660))
        #expect(agent.count == 2, "fetched again after ten minutes")

        let refusing = try await Recorder("POST /", reply: "<ErrorResponse><Error><Message>The security token included in the request is expired</Message></Error></ErrorResponse>",
                                          status: .forbidden)
        defer { refusing.task.cancel() }
        var config = Configuration()
        config.cloudwatch.region = "eu-west-1"
        config.cloudwatch.endpoint = refusing.url + "/"
        await #expect(throws: PublishError.self) {
            try await CloudWatchPublisher(config: config, credentials: provider).publish(PublishingIntegrationTests().run().samples)
        }
        _ = try await provider.credentials(now: now.addingTimeInterval(661))
        #expect(agent.count == 3, "refused keys are fetched again at once")
    }
}
