import Foundation
import LFMaintSupport
import Logging
import Synchronization

/// ClickHouse over its HTTP interface. Reads are retried (bounded, with jitter) on connection
/// failures; statements that change anything (`execute`) are sent exactly once.
public final class ClickHouseClient: Sendable {
    public let settings: ClickHouseSettings
    /// The server's address without credentials, for messages.
    public let host: String
    private let http: HTTPClient
    private let version = Mutex<ServerVersion?>(nil)
    /// `requireClusterReady` passed once: cluster mode works on this server.
    public let clusterReadyChecked = Mutex(false)
    private let logger = Logger(label: "lfmaint.clickhouse")
    static let readAttempts = 3

    public init(settings: ClickHouseSettings, http: HTTPClient? = nil) {
        self.settings = settings
        self.host = Redaction.url(settings.url)
        self.http = http ?? HTTPClient(options: {
            var options = HTTPClient.Options()
            options.timeoutSeconds = settings.timeoutSeconds
            options.caFile = settings.caFile
            return options
        }())
    }

    /// `ON CLUSTER `name`` when cluster mode is on; goes right after the table name.
    public var cluster: ClusterClause {
        guard settings.clusterEnabled, let cluster = SQLIdentifier(settings.clusterName) else { return .none }
        return .onCluster(cluster)
    }

    /// `SELECT version()`, asked once per client.
    func serverVersion() async throws -> ServerVersion {
        if let known = version.withLock({ $0 }) { return known }
        let text = try await readText("SELECT version()")
        guard let parsed = ServerVersion(text) else {
            throw ClickHouseError.unexpectedResponse(host: host, detail: "version \"\(text)\" is not a version", statement: "SELECT version()")
        }
        version.withLock { $0 = parsed }
        return parsed
    }

    /// Throws `ClickHouseError.unsupported`, naming the version and the feature, on a server too old for it.
    public func require(_ feature: ClickHouseFeature) async throws {
        let version = try await serverVersion()
        guard version.supports(feature) else {
            throw ClickHouseError.unsupported(host: host, serverVersion: version.description, feature: feature)
        }
    }

    /// A read whose rows are decoded from `JSONEachRow`. Values go in `parameters` (`{name:Type}` in
    /// the SQL), never into the SQL text.
    public func read<Row: Decodable>(_ sql: String, parameters: [String: String] = [:], as type: Row.Type = Row.self) async throws -> [Row] {
        let text = try await readText(sql + "\nFORMAT JSONEachRow", parameters: parameters,
                                      settings: ["output_format_json_quote_64bit_integers": "0"])
        let decoder = JSONDecoder()
        return try text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            do {
                return try decoder.decode(Row.self, from: Data(line.utf8))
            } catch {
                throw ClickHouseError.unexpectedResponse(host: host, detail: "cannot decode \(Row.self): \(error)", statement: sql)
            }
        }
    }

    /// A read returning the body as text, trailing newline removed.
    public func readText(_ sql: String, parameters: [String: String] = [:], settings: [String: String] = [:]) async throws -> String {
        var attempt = 1
        while true {
            do {
                let body = try await send(sql, parameters: parameters, settings: settings, queryID: nil)
                return body.hasSuffix("\n") ? String(body.dropLast()) : body
            } catch ClickHouseError.transport(let error) where attempt < Self.readAttempts && Self.isRetryable(error) {
                let delay = 0.2 * pow(2, Double(attempt - 1)) * Double.random(in: 0.5...1.5)
                logger.warning("ClickHouse read failed, retrying", metadata: ["host": "\(host)", "attempt": "\(attempt)", "error": "\(error)"])
                try await Task.sleep(for: .seconds(delay))
                attempt += 1
            }
        }
    }

    /// A statement that changes something (DDL, DELETE, OPTIMIZE): sent once, never retried.
    @discardableResult
    func execute(_ sql: String, parameters: [String: String] = [:], settings: [String: String] = [:], queryID: String? = nil,
                        timeoutSeconds: Double? = nil) async throws -> String {
        try await send(sql, parameters: parameters, settings: settings, queryID: queryID, timeoutSeconds: timeoutSeconds)
    }

    /// A typed statement (`ClickHouseStatement`): sent once, never retried.
    public func execute(_ statement: ClickHouseStatement, settings: [String: String] = [:], queryID: String? = nil,
                        timeoutSeconds: Double? = nil) async throws {
        try await send(statement.sql, parameters: statement.parameters, settings: settings, queryID: queryID, timeoutSeconds: timeoutSeconds)
    }

    @discardableResult
    private func send(_ sql: String, parameters: [String: String], settings extra: [String: String], queryID: String?, timeoutSeconds: Double? = nil) async throws -> String {
        let request = HTTPClientRequest(
            method: .post, url: url(parameters: parameters, settings: extra, queryID: queryID),
            body: Data(sql.utf8),
            basicAuth: BasicAuth(user: settings.user, password: settings.password))
        let response: HTTPClientResponse
        do {
            response = try await http.send(request, timeoutSeconds: timeoutSeconds)
        } catch let error as HTTPClientError {
            throw ClickHouseError.transport(error)
        }
        // An exception after the response began arrives with status 200 (wait_end_of_query=1 makes that
        // rare, a proxy or an old server may still do it): the header or the body's tail says so.
        guard (200..<300).contains(response.status), !ClickHouseError.carriesException(response) else {
            throw ClickHouseError.fromResponse(response, host: host, statement: sql)
        }
        return response.bodyText
    }

    private func url(parameters: [String: String], settings extra: [String: String], queryID: String?) -> String {
        var components = URLComponents(string: settings.url) ?? URLComponents()
        if components.path.isEmpty { components.path = "/" }
        // No `database` parameter: every statement names its tables in full, and the database may not exist yet.
        // The whole result is buffered before the status is sent, so a failure gets an error status.
        var items = [URLQueryItem(name: "wait_end_of_query", value: "1")]
        if let queryID { items.append(URLQueryItem(name: "query_id", value: queryID)) }
        items += extra.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        items += parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: "param_\($0.key)", value: $0.value) }
        components.percentEncodedQueryItems = items.map {
            URLQueryItem(name: $0.name, value: $0.value?.urlQueryValueEncoded)
        }
        return components.string ?? settings.url
    }

    static func isRetryable(_ error: HTTPClientError) -> Bool {
        switch error {
        case .connectFailed, .timedOut, .transport: true
        case .invalidRequest, .tlsFailed, .responseTooLarge: false
        }
    }
}

