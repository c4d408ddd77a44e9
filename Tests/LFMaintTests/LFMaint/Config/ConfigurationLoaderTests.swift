import Foundation
@testable import LFMaint
@testable import LFMaintEdges
@testable import LFMaintSupport
import Testing

@Suite("Configuration: YAML, environment and validation")
struct ConfigurationLoaderTests {
    func error(_ yaml: String, env: [String: String] = [:]) -> String? {
        do {
            _ = try ConfigurationLoader.load(yaml: yaml, environment: env)
            return nil
        } catch let error as ConfigError {
            return error.description
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test func anEmptyConfigGivesTheDocumentedDefaults() throws {
        let config = try ConfigurationLoader.load(yaml: "")
        #expect(config.clickhouse.url == "http://localhost:8123")
        #expect(config.clickhouse.clusterEnabled)
        #expect(config.clickhouse.clusterName == "default")
        #expect(config.cloudwatch.namespace == "LangfusePVC")
        #expect(config.retention.appDays == 30)
        #expect(config.retention.systemLogDays == 10)
        #expect(config.cleanup.thresholdPercent == 90)
        #expect(config.cleanup.effectiveTargetPercent == 80)
        #expect(config.cleanup.floorDays == 7)
        #expect(config.postgres == nil && config.redis == nil)
    }

    @Test func aFullFileIsRead() throws {
        let config = try ConfigurationLoader.load(yaml: """
            clusterName: prod
            namespace: lf
            clickhouse:
              url: https://ch.example:8443
              user: maint
              password: s3cret
              database: langfuse
              cluster: {enabled: false, name: main}
              timeoutSeconds: 12.5
            postgres: {url: "postgresql://u:p@db:5432/langfuse"}
            redis: {host: cache, port: 6380, password: r, tls: true}
            cloudwatch: {namespace: Custom, region: eu-west-1}
            publish: [cloudwatch]
            retention:
              appDays: 45
              systemLogDays: 5
              tables:
                - {table: langfuse.traces, column: timestamp, days: 60}
                - {table: event_log, column: created_at, days: 14}
            cleanup: {threshold: 85, target: 70, floorDays: 3, maxDropGB: 100}
            volumes:
              - {name: ch, component: clickhouse, source: kubelet, pvc: data-ch-0, pod: ch-0}
              - {name: local, component: clickhouse, source: statfs, path: /var/lib/clickhouse, threshold: 80}
            """)
        #expect(config.clusterName == "prod")
        #expect(config.clickhouse.url == "https://ch.example:8443")
        #expect(config.clickhouse.password.reveal() == "s3cret")
        #expect(!config.clickhouse.clusterEnabled)
        #expect(config.clickhouse.timeoutSeconds == 12.5)
        #expect(config.redis == RedisSettings(host: "cache", port: 6380, password: Secret("r"), tls: true))
        #expect(config.publish == [.cloudwatch])
        let database = SQLIdentifier(config.clickhouse.database)!
        #expect(config.retention.tables.map { $0.qualified(defaultDatabase: database).description } == ["langfuse.traces", "langfuse.event_log"])
        #expect(config.retention.tables.first?.column?.name == "timestamp")
        #expect(config.cleanup.effectiveTargetPercent == 70)
        #expect(config.cleanup.maxDropGB == 100)
        #expect(config.volumes.map(\.source) == [.kubelet, .statfs])
        #expect(config.volumes[1].thresholdPercent == 80)
    }

    @Test func langfuseVariablesOverrideTheFile() throws {
        let config = try ConfigurationLoader.load(yaml: "clickhouse: {url: http://file:8123, user: fromfile}", environment: [
            "CLICKHOUSE_URL": "http://env:8123", "CLICKHOUSE_USER": "envuser", "CLICKHOUSE_PASSWORD": "pw",
            "CLICKHOUSE_DB": "lf", "CLICKHOUSE_CLUSTER_ENABLED": "false", "CLICKHOUSE_CLUSTER_NAME": "other",
            "DATABASE_URL": "postgresql://u:p@pg:5432/langfuse",
            "REDIS_CONNECTION_STRING": "rediss://:redispw@redis.internal:6390/0",
            "AWS_REGION": "us-east-2", "AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL": "http://ignored:1",
            "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "sk", "AWS_SESSION_TOKEN": "tok",
        ])
        #expect(config.clickhouse.url == "http://env:8123")
        #expect(config.clickhouse.user == "envuser")
        #expect(config.clickhouse.database == "lf")
        #expect(!config.clickhouse.clusterEnabled)
        #expect(config.clickhouse.clusterName == "other")
        #expect(config.postgres?.printableURL == "postgresql://u:***@pg:5432/langfuse")
        #expect(config.redis == RedisSettings(host: "redis.internal", port: 6390, password: Secret("redispw"), tls: true))
        #expect(config.cloudwatch.region == "us-east-2")
        #expect(config.cloudwatch.endpoint == "http://127.0.0.1:5000")
        #expect(config.cloudwatch.sessionToken?.reveal() == "tok")
    }

    @Test func withoutDatabaseURLTheURLIsBuiltAsLangfuseBuildsIt() throws {
        let parts = ["DATABASE_HOST": "pg.internal:6432", "DATABASE_USERNAME": "lf", "DATABASE_PASSWORD": "pw", "DATABASE_NAME": "langfuse"]
        let config = try ConfigurationLoader.load(yaml: "", environment: parts.merging(["DATABASE_ARGS": "sslmode=require"]) { $1 })
        #expect(config.postgres?.url.reveal() == "postgresql://lf:pw@pg.internal:6432/langfuse?sslmode=require")
        let winner = try ConfigurationLoader.load(yaml: "", environment: parts.merging(["DATABASE_URL": "postgresql://u:p@other/db"]) { $1 })
        #expect(winner.postgres?.url.reveal() == "postgresql://u:p@other/db", "DATABASE_URL wins, as in Langfuse")
        #expect(error("", env: ["DATABASE_HOST": "pg", "DATABASE_NAME": "langfuse"])
            == "config error: DATABASE_URL: not set, and DATABASE_USERNAME, DATABASE_PASSWORD missing to build it as Langfuse does from "
            + "DATABASE_HOST, DATABASE_USERNAME, DATABASE_PASSWORD and DATABASE_NAME")
        #expect(error("", env: parts.merging(["DATABASE_PASSWORD": "Top@Secret"]) { $1 })?.contains("raw \"@\"") == true)
    }

    @Test func langfusesRedisTLSAndUserVariablesApplyToTheConnection() throws {
        let config = try ConfigurationLoader.load(yaml: "", environment: [
            "REDIS_CONNECTION_STRING": "redis://lf-user:pw@cache:6379", "REDIS_TLS_ENABLED": "true",
            "REDIS_TLS_CA_PATH": "/ca.pem", "REDIS_TLS_CERT_PATH": "/c.pem", "REDIS_TLS_KEY_PATH": "/k.pem",
        ])
        let redis = try #require(config.redis)
        #expect(redis.tls && redis.username == "lf-user" && redis.caFile == "/ca.pem" && redis.certFile == "/c.pem" && redis.keyFile == "/k.pem")
        #expect(try ConfigurationLoader.load(yaml: "", environment: ["REDIS_TLS_ENABLED": "false"]).redis == nil,
                "TLS settings alone name no Redis")
        #expect(try ConfigurationLoader.load(yaml: "", environment: ["REDIS_CONNECTION_STRING": "rediss://:pw@cache", "REDIS_TLS_ENABLED": "false"])
            .redis?.tls == true, "rediss:// stays on TLS, as with Langfuse's client")
        #expect(try ConfigurationLoader.load(yaml: "redis: {url: 'rediss://:pw@cache', tls: false}").redis?.tls == true)
    }

    @Test func redisURLsAreDecodedOnceAndIPv6HostsLoseTheirBrackets() throws {
        let redis = try #require(try ConfigurationLoader.load(yaml: "", environment: ["REDIS_CONNECTION_STRING": "rediss://us%2541r:p%2540ss@[fd00::7]:6380"]).redis)
        #expect(redis.username == "us%41r" && redis.password?.reveal() == "p%40ss")
        #expect(redis.host == "fd00::7" && redis.port == 6380 && redis.tls)
    }

    @Test func ecsRelativeCredentialsURIIsOnTheTaskMetadataAddress() throws {
        let config = try ConfigurationLoader.load(yaml: "", environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                                                                          "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/other"])
        #expect(config.cloudwatch.containerCredentialsURL == "http://169.254.170.2/v2/credentials/abc", "the relative URI wins, as in the SDKs")
    }

    @Test func retentionAtOrAboveTheFloorAndShortSystemLogRetentionAreAccepted() throws {
        let config = try ConfigurationLoader.load(yaml: """
            retention: {appDays: 3, tables: [{table: system.query_log, column: event_date, days: 2}, {table: traces, days: 3}]}
            cleanup: {floorDays: 3}
            """, environment: [:])
        #expect(config.retention.appDays == 3 && config.retention.tables.map(\.days) == [2, 3])
    }

    @Test func inAPodTheAPIServerComesFromKubernetesVariablesUnlessConfigured() throws {
        let pod = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        #expect(try ConfigurationLoader.load(yaml: "", environment: pod).kubelet.apiServer == "https://10.96.0.1:443")
        #expect(try ConfigurationLoader.load(yaml: "", environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"])
            .kubelet.apiServer == "https://[fd00::1]:443")
        #expect(try ConfigurationLoader.load(yaml: "kubelet: {apiServer: 'https://api.example:6443'}", environment: pod).kubelet.apiServer
            == "https://api.example:6443")
        #expect(try ConfigurationLoader.load(yaml: "", environment: [:]).kubelet.apiServer == nil)
    }

    @Test func redisHostPortAuthVariablesWork() throws {
        let config = try ConfigurationLoader.load(yaml: "", environment: ["REDIS_HOST": "r1", "REDIS_PORT": "6400", "REDIS_AUTH": "pw"])
        #expect(config.redis == RedisSettings(host: "r1", port: 6400, password: Secret("pw"), tls: false))
    }

    @Test func passwordsCanComeFromFiles() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lfmaint-pw-\(UUID().uuidString)")
        try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try ConfigurationLoader.load(yaml: "clickhouse: {passwordFile: \(file.path)}\nredis: {passwordFile: \(file.path)}")
        #expect(config.clickhouse.password.reveal() == "from-file")
        #expect(config.redis?.password?.reveal() == "from-file")
    }

    @Test(arguments: [
        ("clickhouse: {urll: x}", "config error: clickhouse.urll: unknown key"),
        ("retention: {appDays: -3}", "config error: retention.appDays: must be at least 1 day, got -3"),
        ("retention: {appDays: 36500}", "config error: retention.appDays: must be at most 18250 days (50 years), got 36500: a TTL further out passes 2106"),
        ("retention: {systemLogDays: 29000}", "config error: retention.systemLogDays: must be at most 18250 days"),
        ("retention: {tables: [{table: traces, days: 49710}]}", "config error: retention.tables[0].days: must be at most 18250 days"),
        ("cleanup: {floorDays: 200000000000000}", "config error: cleanup.floorDays: must be at most 18250 days"),
        ("cleanup: {statementTimeoutSeconds: 1500000000}", "config error: cleanup.statementTimeoutSeconds (--statement-timeout): must be a number greater than 0 and at most 86400 s"),
        ("retention: {appDays: thirty}", "config error: retention.appDays: expected a whole number, got \"thirty\""),
        ("cleanup: {threshold: 100}", "config error: cleanup.threshold: must be a percentage from 1 to 99, got 100"),
        ("cleanup: {threshold: 0}", "config error: cleanup.threshold: must be a percentage from 1 to 99, got 0"),
        ("cleanup: {threshold: 80, target: 85}", "config error: cleanup.target: must be below cleanup.threshold (80), got 85"),
        ("clickhouse: {url: 'not a url'}", "config error: clickhouse.url (CLICKHOUSE_URL): expected an http:// or https:// URL"),
        ("clickhouse: {cluster: {enabled: maybe}}", "config error: clickhouse.cluster.enabled: expected true or false"),
        ("clickhouse: [1, 2]", "config error: clickhouse: expected a mapping of keys"),
        ("retention: {tables: [{table: 'traces; DROP TABLE x', days: 3}]}", "config error: retention.tables[0].table: \"traces; DROP TABLE x\" is not a valid"),
        ("retention: {tables: [{table: traces, column: 'ts`', days: 3}]}", "config error: retention.tables[0].column:"),
        ("retention: {tables: [{table: traces, days: 0}]}", "config error: retention.tables[0].days: must be at least 1, got 0"),
        ("retention: {tables: [{table: audit_log, days: 3}]}", "config error: retention.tables[0].column: is required for audit_log"),
        ("retention: {appDays: 5}", "config error: retention.appDays: keeps 5 days, under cleanup.floorDays (7), the age the cleanup never deletes under"),
        ("retention: {tables: [{table: traces, days: 3}]}", "config error: retention.tables[0].days: keeps 3 days, under cleanup.floorDays (7)"),
        ("retention: {tables: [{table: system.custom_log, column: event_date, days: 3}]}",
         "config error: retention.tables[0].days: keeps 3 days, under cleanup.floorDays (7)"),
        ("volumes: [{name: a, component: mysql, source: statfs}]", "config error: volumes[0].component: unknown value \"mysql\""),
        ("volumes: [{name: a, component: redis, source: statfs}]", "config error: volumes[0].path: is required for source statfs"),
        ("publish: [cloudwatch]", "config error: cloudwatch.region (AWS_REGION): is required"),
        ("publish: [datadog]", "config error: publish[0]: unknown target \"datadog\""),
        ("postgres: {url: 'http://x'}", "config error: postgres.url (DATABASE_URL): expected postgresql://"),
        ("clickhouse: {url: http://h\n  bad indent", "config error: (yaml):"),
        ("unknownTop: 1", "config error: unknownTop: unknown key"),
    ])
    func badConfigIsOneLineNamingTheKey(yaml: String, expected: String) {
        let message = error(yaml)
        #expect(message?.hasPrefix(expected) == true, "got: \(message ?? "no error")")
        #expect(message?.contains("\n") == false)
    }

    @Test func badEnvironmentValuesNameTheVariable() {
        #expect(error("", env: ["CLICKHOUSE_CLUSTER_ENABLED": "perhaps"])?.hasPrefix("config error: CLICKHOUSE_CLUSTER_ENABLED:") == true)
        #expect(error("", env: ["REDIS_PORT": "http"])?.hasPrefix("config error: REDIS_PORT:") == true)
        #expect(error("", env: ["REDIS_CONNECTION_STRING": "memcached://x"])?.hasPrefix("config error: REDIS_CONNECTION_STRING:") == true)
    }

    @Test func secretsNeverAppearInErrors() {
        let message = error("", env: ["DATABASE_URL": "mysql://admin:TopSecret1@db/x", "REDIS_CONNECTION_STRING": "redis://:TopSecret2@/"])
        #expect(message != nil)
        #expect(message?.contains("TopSecret") == false)
    }

    @Test func aRawAtSignInThePasswordIsRefusedWithoutShowingIt() {
        let message = error("", env: ["DATABASE_URL": "postgresql://lf:Top@Secret3@127.0.0.1:5432/langfuse"])
        #expect(message == "config error: postgres.url (DATABASE_URL): the user or password holds a raw \"@\": write it as %40")
        #expect(error("", env: ["DATABASE_URL": "postgresql://lf:Top%40Secret3@127.0.0.1:5432/langfuse"]) == nil)
    }

    @Test func aMissingFileIsAConfigError() {
        #expect(throws: ConfigError.self) {
            try ConfigurationLoader.load(path: "/nonexistent/lfmaint.yaml", environment: [:])
        }
    }
}
