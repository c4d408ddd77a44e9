import CCurl
import Foundation
import LFMaintSupport
import Synchronization

/// The one HTTP client of lfmaint (ClickHouse, CloudWatch, Kubernetes, Pushgateway), over libcurl.
/// It keeps a few idle curl handles so that connections are reused between requests.
public final class HTTPClient: Sendable {
    public struct Options: Sendable {
        public var connectTimeoutSeconds: Double = 5
        public var timeoutSeconds: Double = 30
        /// PEM bundle to verify servers with, instead of the system's.
        public var caFile: String?
        public var maxResponseBytes = 64 << 20

        public init() {}
    }

    let options: Options
    private let idleHandles = Mutex<[CurlEasyHandle]>([])
    private static let maxIdleHandles = 8

    public init(options: Options = Options()) {
        CurlGlobal.initialiseOnce()
        self.options = options
    }

    deinit {
        idleHandles.withLock { handles in handles.forEach { $0.cleanup() } }
    }

    /// Sends the request on a thread outside the Swift concurrency pool.
    public func send(_ request: HTTPClientRequest, timeoutSeconds: Double? = nil) async throws -> HTTPClientResponse {
        try await BlockingIO.run { try self.perform(request, timeoutSeconds: timeoutSeconds) }
    }

    /// Sends the request and blocks until the whole response is read.
    public func perform(_ request: HTTPClientRequest, timeoutSeconds: Double? = nil) throws -> HTTPClientResponse {
        let printableURL = request.printableURL ?? Redaction.endpoint(request.url)
        guard let scheme = URLComponents(string: request.url)?.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw HTTPClientError.invalidRequest(url: printableURL, reason: "only http:// and https:// URLs are allowed")
        }
        let handle = try takeHandle(printableURL)
        defer { giveBack(handle) }
        let timeout = timeoutSeconds ?? options.timeoutSeconds
        let exchange = CurlExchange(handle: handle, limit: options.maxResponseBytes)
        return try exchange.run(request, options: options, timeoutSeconds: timeout, printableURL: printableURL)
    }

    private func takeHandle(_ printableURL: String) throws -> CurlEasyHandle {
        if let handle = idleHandles.withLock({ $0.popLast() }) { return handle }
        guard let handle = CurlEasyHandle() else {
            throw HTTPClientError.transport(url: printableURL, curlCode: -1, detail: "curl_easy_init failed")
        }
        return handle
    }

    private func giveBack(_ handle: CurlEasyHandle) {
        handle.reset()
        let kept = idleHandles.withLock { handles in
            guard handles.count < Self.maxIdleHandles else { return false }
            handles.append(handle)
            return true
        }
        if !kept { handle.cleanup() }
    }
}

enum CurlGlobal {
    private static let initialised: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    static func initialiseOnce() { _ = initialised }
}
