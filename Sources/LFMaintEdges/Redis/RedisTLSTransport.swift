import CCurl
import Foundation
import LFMaintSupport

/// TLS by libcurl: `CURLOPT_CONNECT_ONLY` on an https URL connects and does the handshake (peer and
/// host name always verified), then `curl_easy_send`/`curl_easy_recv` carry RESP over it.
final class RedisTLSTransport: RedisTransport {
    private let handle: CurlEasyHandle
    private let socket: curl_socket_t
    private let timeoutSeconds: Double

    init(settings: RedisSettings, timeoutSeconds: Double) throws {
        CurlGlobal.initialiseOnce()
        guard let handle = CurlEasyHandle() else {
            throw RedisError.connectFailed(host: settings.host, port: settings.port, detail: "libcurl could not start")
        }
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        var errors = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
        var codes = [
            handle.set(CURLOPT_URL, "https://\(host):\(settings.port)/"),
            handle.set(CURLOPT_CONNECT_ONLY, 1),
            handle.set(CURLOPT_NOSIGNAL, 1),
            handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int(timeoutSeconds * 1000)),
            handle.set(CURLOPT_SSL_VERIFYPEER, 1),
            handle.set(CURLOPT_SSL_VERIFYHOST, 2),
            // Straight to Redis: no HTTPS_PROXY from the environment, no HTTP protocol names offered.
            handle.set(CURLOPT_PROXY, ""),
            handle.set(CURLOPT_SSL_ENABLE_ALPN, 0),
        ]
        if let file = settings.caFile { codes.append(handle.set(CURLOPT_CAINFO, file)) }
        if let file = settings.certFile { codes.append(handle.set(CURLOPT_SSLCERT, file)) }
        if let file = settings.keyFile { codes.append(handle.set(CURLOPT_SSLKEY, file)) }
        let code = errors.withUnsafeMutableBytes { buffer -> CURLcode in
            guard codes.allSatisfy({ $0 == CURLE_OK }), handle.set(CURLOPT_ERRORBUFFER, pointer: buffer.baseAddress) == CURLE_OK else {
                return CURLE_FAILED_INIT
            }
            defer { _ = handle.set(CURLOPT_ERRORBUFFER, pointer: nil) }
            return curl_easy_perform(handle.raw)
        }
        var socket: curl_socket_t = -1
        guard code == CURLE_OK, lfm_getinfo_socket(handle.raw, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else {
            let message = String(decoding: errors.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
            handle.cleanup()
            throw RedisError.connectFailed(host: settings.host, port: settings.port, detail: "TLS: \(detail)")
        }
        self.handle = handle
        self.socket = socket
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { handle.cleanup() }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            var written = 0
            let code = bytes[sent...].withUnsafeBytes { curl_easy_send(handle.raw, $0.baseAddress, $0.count, &written) }
            if code == CURLE_AGAIN {
                try wait(for: Int16(POLLOUT))
                continue
            }
            guard code == CURLE_OK else { throw RedisError.protocolError(detail: "send failed: \(String(cString: curl_easy_strerror(code)))") }
            sent += written
        }
    }

    func receive(into buffer: inout [UInt8], before deadline: Double) throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            var received = 0
            let code = chunk.withUnsafeMutableBytes { curl_easy_recv(handle.raw, $0.baseAddress, $0.count, &received) }
            if code == CURLE_AGAIN {
                try wait(for: Int16(POLLIN), seconds: min(timeoutSeconds, deadline - MonotonicClock.seconds()))
                continue
            }
            guard code == CURLE_OK else { throw RedisError.protocolError(detail: "receive failed: \(String(cString: curl_easy_strerror(code)))") }
            guard received > 0 else { throw RedisError.protocolError(detail: "connection closed") }
            buffer += chunk.prefix(received)
            return
        }
    }

    private func wait(for events: Int16, seconds: Double? = nil) throws {
        let seconds = seconds ?? timeoutSeconds
        guard seconds > 0 else { throw RedisError.protocolError(detail: "no complete answer in time") }
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        var ready: Int32
        repeat {
            ready = poll(&descriptor, 1, Int32((seconds * 1000).rounded(.up)))
        } while ready < 0 && errno == EINTR
        guard ready > 0 else {
            throw RedisError.protocolError(detail: ready == 0 ? "no answer within \(seconds) s" : "poll failed: \(String(cString: strerror(errno)))")
        }
    }
}
