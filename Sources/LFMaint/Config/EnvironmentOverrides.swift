import LFMaintEdges
import LFMaintSupport

/// Environment variables win over the config file. The names are Langfuse's own (so the Langfuse
/// Secret can be reused as it is) and AWS's standard ones.
enum EnvironmentOverrides {
    static func apply(_ env: [String: String], to config: inout Configuration) throws {
        func value(_ name: String) -> String? {
            guard let text = env[name], !text.isEmpty else { return nil }
            return text
        }
        if let url = value("CLICKHOUSE_URL") { config.clickhouse.url = url }
        if let user = value("CLICKHOUSE_USER") { config.clickhouse.user = user }
        if let password = env["CLICKHOUSE_PASSWORD"] { config.clickhouse.password = Secret(password) }
        if let database = value("CLICKHOUSE_DB") { config.clickhouse.database = database }
        if let enabled = value("CLICKHOUSE_CLUSTER_ENABLED") {
            config.clickhouse.clusterEnabled = try bool(enabled, name: "CLICKHOUSE_CLUSTER_ENABLED")
        }
        if let name = value("CLICKHOUSE_CLUSTER_NAME") { config.clickhouse.clusterName = name }
        if let replicas = value("LFMAINT_CLICKHOUSE_REPLICAS") {
            config.clickhouse.replicas = replicas.contains("://")
                ? .listed(replicas.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                : try ClickHouseReplicaSource(word: replicas, key: "LFMAINT_CLICKHOUSE_REPLICAS")
        }

        if let url = try value("DATABASE_URL") ?? langfuseDatabaseURL(value) { config.postgres = PostgresSettings(url: Secret(url)) }

        if let url = value("REDIS_CONNECTION_STRING") {
            config.redis = try RedisSettings(connectionString: url, key: "REDIS_CONNECTION_STRING")
        }
        if value("REDIS_HOST") != nil || value("REDIS_PORT") != nil || value("REDIS_AUTH") != nil {
            var redis = config.redis ?? RedisSettings()
            if let host = value("REDIS_HOST") { redis.host = host }
            if let port = value("REDIS_PORT") {
                guard let number = Int(port) else { throw ConfigError(key: "REDIS_PORT", "expected a port number, got \"\(port)\"") }
                redis.port = number
            }
            if let auth = value("REDIS_AUTH") { redis.password = Secret(auth) }
            config.redis = redis
        }
        if var redis = config.redis {
            if let user = value("REDIS_USERNAME") { redis.username = user }
            // Turns TLS on; "false" leaves a rediss:// URL on TLS, as Langfuse's Redis client does.
            if let enabled = value("REDIS_TLS_ENABLED"), try bool(enabled, name: "REDIS_TLS_ENABLED") { redis.tls = true }
            if let file = value("REDIS_TLS_CA_PATH") { redis.caFile = file }
            if let file = value("REDIS_TLS_CERT_PATH") { redis.certFile = file }
            if let file = value("REDIS_TLS_KEY_PATH") { redis.keyFile = file }
            config.redis = redis
        }

        // In a pod: the API server Kubernetes tells every container about.
        if config.kubelet.apiServer == nil, let host = value("KUBERNETES_SERVICE_HOST"), let port = value("KUBERNETES_SERVICE_PORT") {
            config.kubelet.apiServer = host.contains(":") ? "https://[\(host)]:\(port)" : "https://\(host):\(port)"
        }

        config.s3.apply(environment: value)

        if let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") { config.cloudwatch.region = region }
        if let endpoint = value("AWS_ENDPOINT_URL_CLOUDWATCH") ?? value("AWS_ENDPOINT_URL") { config.cloudwatch.endpoint = endpoint }
        if let key = value("AWS_ACCESS_KEY_ID") { config.cloudwatch.accessKeyID = key }
        if let secret = value("AWS_SECRET_ACCESS_KEY") { config.cloudwatch.secretAccessKey = Secret(secret) }
        if let token = value("AWS_SESSION_TOKEN") { config.cloudwatch.sessionToken = Secret(token) }
        if let role = value("AWS_ROLE_ARN") { config.cloudwatch.roleARN = role }
        if let file = value("AWS_WEB_IDENTITY_TOKEN_FILE") { config.cloudwatch.webIdentityTokenFile = file }
        if let name = value("AWS_ROLE_SESSION_NAME") { config.cloudwatch.roleSessionName = name }
        if let endpoint = value("AWS_ENDPOINT_URL_STS") ?? value("AWS_ENDPOINT_URL") { config.cloudwatch.stsEndpoint = endpoint }
        // As the AWS SDKs: the relative URI (ECS) wins over the full one.
        if let url = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").map({ "http://169.254.170.2" + $0 }) ?? value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            config.cloudwatch.containerCredentialsURL = url
        }
        if let file = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") { config.cloudwatch.containerAuthorizationTokenFile = file }
        if let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN") { config.cloudwatch.containerAuthorizationToken = Secret(token) }
    }

    /// Without DATABASE_URL, Langfuse's entrypoint joins DATABASE_USERNAME, DATABASE_PASSWORD,
    /// DATABASE_HOST (may hold a port), DATABASE_NAME and DATABASE_ARGS as they are; so does lfmaint,
    /// to reach the database Langfuse reaches.
    private static func langfuseDatabaseURL(_ value: (String) -> String?) throws -> String? {
        let names = ["DATABASE_HOST", "DATABASE_USERNAME", "DATABASE_PASSWORD", "DATABASE_NAME"]
        let parts = names.compactMap(value)
        guard !parts.isEmpty else { return nil }
        guard parts.count == names.count else {
            let missing = names.filter { value($0) == nil }.joined(separator: ", ")
            throw ConfigError(key: "DATABASE_URL", "not set, and \(missing) missing to build it as Langfuse does from DATABASE_HOST, DATABASE_USERNAME, DATABASE_PASSWORD and DATABASE_NAME")
        }
        let (host, user, password, name) = (parts[0], parts[1], parts[2], parts[3])
        return "postgresql://\(user):\(password)@\(host)/\(name)" + (value("DATABASE_ARGS").map { "?" + $0 } ?? "")
    }

    private static func bool(_ text: String, name: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigError(key: name, "expected true or false, got \"\(text)\"")
        }
    }
}
