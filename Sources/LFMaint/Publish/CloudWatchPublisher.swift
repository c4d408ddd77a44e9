import Foundation
import LFMaintEdges
import LFMaintSupport

enum PublishError: Error, Equatable, CustomStringConvertible {
    case notConfigured(String)
    case credentials(String)
    case rejected(target: String, status: Int, detail: String)

    var description: String {
        switch self {
        case let .notConfigured(detail), let .credentials(detail): detail
        case let .rejected(target, status, detail): "\(target) refused the metrics (HTTP \(status)): \(detail)"
        }
    }
}

/// CloudWatch `PutMetricData` (Query API) with the seed design's names: namespace `LangfusePVC`,
/// metrics `UsagePercent`, `UsedGB`, `TotalGB`, dimensions ClusterName, Namespace, PVCName, PodName.
/// Signed by libcurl's AWS SigV4; parameters go in the POST body (curl 7.88 signs the query string unsorted).
struct CloudWatchPublisher: Publisher {
    static let name = "cloudwatch"

    static let maxDataPerRequest = 1000
    static let maxBodyBytes = 1_000_000

    struct Datum {
        let name: String
        let unit: String
        let value: Double
        let dimensions: [(String, String)]
    }

    let config: Configuration
    let http: HTTPClient
    /// Nil when the configuration names no credentials.
    let credentials: AWSCredentialProvider?

    /// `credentials`: a provider kept across publishes (the agent's), so temporary keys are reused.
    init(config: Configuration, http: HTTPClient = HTTPClient(), credentials: AWSCredentialProvider? = nil) {
        self.config = config
        self.http = http
        self.credentials = credentials ?? AWSCredentialSource(config.cloudwatch).map { AWSCredentialProvider(source: $0, http: http) }
    }

    init(config: Configuration, connections: PublishConnections) {
        self.init(config: config, http: connections.http, credentials: connections.credentials)
    }

    static func missing(in config: Configuration) -> ConfigError? {
        config.cloudwatch.region == nil ? ConfigError(key: "cloudwatch.region (AWS_REGION)", "is required to publish to CloudWatch") : nil
    }

    func publish(_ run: SampleRun, exposition: () -> String) async throws {
        _ = try await publish(run.samples)
    }

    var endpoint: String? {
        config.cloudwatch.endpoint ?? config.cloudwatch.region.map { "https://monitoring.\($0).amazonaws.com/" }
    }

    /// Only known values: an unknown volume publishes nothing rather than a zero.
    func data(_ samples: [VolumeSample]) -> [Datum] {
        samples.filter { $0.status == .ok }.flatMap { sample -> [Datum] in
            let volume = sample.volume
            let dimensions = [("ClusterName", config.clusterName), ("Namespace", volume.namespace ?? config.namespace),
                              ("PVCName", volume.pvc ?? volume.name), ("PodName", volume.pod ?? volume.name)]
            return [("UsagePercent", "Percent", sample.usagePercent), ("UsedGB", "Gigabytes", sample.usedGB), ("TotalGB", "Gigabytes", sample.totalGB)]
                .compactMap { name, unit, value in
                    guard let value, value.isFinite else { return nil }
                    return Datum(name: name, unit: unit, value: value, dimensions: dimensions)
                }
        }
    }

    /// The form bodies to POST, each within CloudWatch's limits on data per request and body size.
    func bodies(_ data: [Datum], timestamp: Date) -> [String] {
        let header = "Action=PutMetricData&Version=2010-08-01&Namespace=\(config.cloudwatch.namespace.urlQueryValueEncoded)"
        let time = timestamp.formatted(.iso8601).urlQueryValueEncoded
        var bodies: [String] = []
        var members: [String] = []
        var size = header.utf8.count
        for datum in data {
            var member = Self.member(datum, index: members.count + 1, time: time)
            if members.count == Self.maxDataPerRequest || size + member.utf8.count > Self.maxBodyBytes {
                bodies.append(header + members.joined())
                members = []
                size = header.utf8.count
                member = Self.member(datum, index: 1, time: time)
            }
            members.append(member)
            size += member.utf8.count
        }
        if !members.isEmpty { bodies.append(header + members.joined()) }
        return bodies
    }

    static func member(_ datum: Datum, index: Int, time: String) -> String {
        let prefix = "&MetricData.member.\(index)."
        var member = "\(prefix)MetricName=\(datum.name)\(prefix)Unit=\(datum.unit)\(prefix)Value=\(datum.value)\(prefix)Timestamp=\(time)"
        for (number, dimension) in datum.dimensions.enumerated() {
            member += "\(prefix)Dimensions.member.\(number + 1).Name=\(dimension.0)\(prefix)Dimensions.member.\(number + 1).Value=\(dimension.1.urlQueryValueEncoded)"
        }
        return member
    }

    func publish(_ samples: [VolumeSample], timestamp: Date = Date()) async throws -> Int {
        guard let endpoint else { throw PublishError.notConfigured("CloudWatch needs a region (AWS_REGION) or an endpoint") }
        guard let region = config.cloudwatch.region else { throw PublishError.notConfigured("CloudWatch needs a region (AWS_REGION)") }
        guard let credentials else { throw PublishError.notConfigured("CloudWatch needs credentials: " + AWSCredentialSource.choices) }
        let keys = try await credentials.credentials()
        let data = data(samples)
        let signing = AWSSigV4(accessKeyID: keys.accessKeyID, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken,
                               region: region, service: "monitoring")
        for body in bodies(data, timestamp: timestamp) {
            let response = try await http.send(HTTPClientRequest(
                method: .post, url: endpoint, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                body: Data(body.utf8), awsSigV4: signing))
            guard response.status == 200 else {
                if AWSCredentialSource.refusesTheKeys(response.status, AWSQuery.element("Code", in: response.bodyText)) {
                    await credentials.forget()
                }
                throw PublishError.rejected(target: "CloudWatch at \(endpoint)", status: response.status, detail: AWSQuery.message(response.bodyText))
            }
        }
        return data.count
    }
}

extension PublishTarget {
    static var cloudwatch: Self { Self(CloudWatchPublisher.self) }
}
