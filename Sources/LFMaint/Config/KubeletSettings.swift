import LFMaintSupport

/// How the kubelet source reaches each node's Summary API.
struct KubeletSettings: Sendable, Equatable {
    enum Route: String, Sendable, CaseIterable {
        /// `GET /api/v1/nodes/{node}/proxy/stats/summary` through the API server: needs `nodes/proxy`.
        case proxy
        /// `GET https://{nodeIP}:{port}/stats/summary` on each kubelet: needs only `nodes/stats`.
        case direct
    }

    var route = Route.proxy
    /// Default: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`.
    var apiServer: String?
    var tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    var caFile: String? = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
    var kubeletPort = 10250
    var timeoutSeconds = 10.0
    var concurrency = 8

    init() {}

    static func read(_ section: inout YAMLSection) throws -> KubeletSettings {
        var settings = KubeletSettings()
        if let route = try section.string("route") {
            settings.route = try YAMLSection.enumValue(KubeletSettings.Route.self, route, key: section.keyPath("route"))
        }
        if let value = try section.string("apiServer") { settings.apiServer = value }
        if let value = try section.string("tokenFile") { settings.tokenFile = value }
        if let value = try section.string("caFile") { settings.caFile = value }
        if let value = try section.int("kubeletPort") { settings.kubeletPort = value }
        if let value = try section.double("timeoutSeconds") { settings.timeoutSeconds = value }
        if let value = try section.int("concurrency") { settings.concurrency = value }
        try section.finish()
        return settings
    }

    func validate() throws {
        if let apiServer { try ConfigValidation.httpURL(apiServer, key: "kubelet.apiServer") }
        guard (1...65535).contains(kubeletPort) else {
            throw ConfigError(key: "kubelet.kubeletPort", "must be 1–65535, got \(kubeletPort)")
        }
        try ConfigValidation.seconds(timeoutSeconds, key: "kubelet.timeoutSeconds", atMost: 3600)
        guard (1...64).contains(concurrency) else {
            throw ConfigError(key: "kubelet.concurrency", "must be 1–64, got \(concurrency)")
        }
    }
}
