import Foundation
import LFMaintSupport

/// The `cloudwatch` section, and AWS's own variables for it (`EnvironmentOverrides`).
struct CloudWatchSettings: Sendable, Equatable {
    var namespace = "LangfusePVC"
    var region: String?
    var endpoint: String?
    var accessKeyID: String?
    var secretAccessKey: Secret?
    var sessionToken: Secret?
    /// IRSA: the role to assume with the service account's token.
    var roleARN: String?
    var webIdentityTokenFile: String?
    var roleSessionName: String?
    var stsEndpoint: String?
    /// EKS Pod Identity / ECS: the credentials endpoint and its authorisation token.
    var containerCredentialsURL: String?
    var containerAuthorizationTokenFile: String?
    var containerAuthorizationToken: Secret?

    static func read(_ section: inout YAMLSection) throws -> CloudWatchSettings {
        var settings = CloudWatchSettings()
        if let value = try section.string("namespace") { settings.namespace = value }
        if let value = try section.string("region") { settings.region = value }
        if let value = try section.string("endpoint") { settings.endpoint = value }
        try section.finish()
        return settings
    }

    func validate() throws {
        if let endpoint { try ConfigValidation.httpURL(endpoint, key: "cloudwatch.endpoint (AWS_ENDPOINT_URL_CLOUDWATCH)") }
        if let stsEndpoint { try ConfigValidation.httpURL(stsEndpoint, key: "AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL)") }
        if let containerCredentialsURL { try ConfigValidation.containerCredentialsURL(containerCredentialsURL) }
    }
}
