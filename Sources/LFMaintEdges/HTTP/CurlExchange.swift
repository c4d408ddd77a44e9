import CCurl
import Foundation

/// One request and its response on one curl handle: sets the options, runs `curl_easy_perform`,
/// and turns curl's result into an `HTTPClientResponse` or an `HTTPClientError`.
final class CurlExchange {
    private let handle: CurlEasyHandle
    private let limit: Int
    fileprivate var body = Data()
    fileprivate var headerLines: [String] = []
    fileprivate var overflowed = false

    init(handle: CurlEasyHandle, limit: Int) {
        self.handle = handle
        self.limit = limit
    }

    func run(_ request: HTTPClientRequest, options: HTTPClient.Options, timeoutSeconds: Double, printableURL: String) throws -> HTTPClientResponse {
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        var headers = request.headers
        if let token = request.awsSigV4?.sessionToken {
            headers.append((name: "X-Amz-Security-Token", value: token.reveal()))
        }
        for header in headers {
            // "Name;" is curl's way to send a header with an empty value; "Name:" would remove it.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        // No "Expect: 100-continue" round trip before large bodies.
        headerList = curl_slist_append(headerList, "Expect:")

        let context = Unmanaged.passUnretained(self).toOpaque()
        var codes: [CURLcode] = [
            handle.set(CURLOPT_URL, request.url),
            handle.set(CURLOPT_PROTOCOLS_STR, "http,https"),
            handle.set(CURLOPT_NOSIGNAL, 1),
            handle.set(CURLOPT_FOLLOWLOCATION, 0),
            handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeoutSeconds * 1000)),
            handle.set(CURLOPT_TIMEOUT_MS, Int(timeoutSeconds * 1000)),
            handle.set(CURLOPT_SSL_VERIFYPEER, 1),
            handle.set(CURLOPT_SSL_VERIFYHOST, 2),
            handle.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer)),
            handle.set(CURLOPT_HTTPHEADER, list: headerList),
            handle.set(CURLOPT_WRITEFUNCTION, function: writeBody),
            handle.set(CURLOPT_WRITEDATA, pointer: context),
            handle.set(CURLOPT_HEADERFUNCTION, function: writeHeader),
            handle.set(CURLOPT_HEADERDATA, pointer: context),
        ]
        if let caFile = options.caFile { codes.append(handle.set(CURLOPT_CAINFO, caFile)) }
        codes += setMethodAndBody(request)
        codes += setAuthentication(request)
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            throw HTTPClientError.invalidRequest(url: printableURL, reason: String(cString: curl_easy_strerror(failed)))
        }

        let result = curl_easy_perform(handle.raw)
        guard result == CURLE_OK else {
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(result))
            throw mapError(result, detail: detail, url: printableURL, timeoutSeconds: timeoutSeconds)
        }
        return HTTPClientResponse(status: handle.responseCode(), headers: parsedHeaders(), body: body)
    }

    private func setMethodAndBody(_ request: HTTPClientRequest) -> [CURLcode] {
        var codes: [CURLcode] = []
        switch request.method {
        case .get: codes.append(handle.set(CURLOPT_HTTPGET, 1))
        case .post: codes.append(handle.set(CURLOPT_POST, 1))
        case .put, .patch: codes.append(handle.set(CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        if let body = request.body, !body.isEmpty {
            codes.append(handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count)))
            codes.append(body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies the bytes now, so the buffer need not outlive this call.
                handle.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            })
        } else if request.method != .get {
            codes.append(handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: 0))
            codes.append(handle.set(CURLOPT_COPYPOSTFIELDS, ""))
        }
        return codes
    }

    private func setAuthentication(_ request: HTTPClientRequest) -> [CURLcode] {
        if let sig = request.awsSigV4 {
            return [
                handle.set(CURLOPT_AWS_SIGV4, sig.curlProvider),
                handle.set(CURLOPT_USERNAME, sig.accessKeyID),
                handle.set(CURLOPT_PASSWORD, sig.secretAccessKey.reveal()),
            ]
        }
        if let auth = request.basicAuth {
            return [
                handle.set(CURLOPT_HTTPAUTH, lfm_auth_basic()),
                handle.set(CURLOPT_USERNAME, auth.user),
                handle.set(CURLOPT_PASSWORD, auth.password.reveal()),
            ]
        }
        return []
    }

    private func mapError(_ code: CURLcode, detail: String, url: String, timeoutSeconds: Double) -> HTTPClientError {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed(url: url, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(url: url, afterSeconds: timeoutSeconds)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .tlsFailed(url: url, detail: detail)
        case CURLE_WRITE_ERROR where overflowed:
            return .responseTooLarge(url: url, limitBytes: limit)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest(url: url, reason: detail)
        default:
            return .transport(url: url, curlCode: Int(code.rawValue), detail: detail)
        }
    }

    private func parsedHeaders() -> [(name: String, value: String)] {
        headerLines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            return (name: name, value: value)
        }
    }

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            overflowed = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func appendHeaderLine(_ line: String) {
        // A new status line starts a new header block (after 100 Continue or a proxy's answer).
        if line.hasPrefix("HTTP/") { headerLines.removeAll() } else { headerLines.append(line) }
    }
}

private let writeBody: curl_write_callback = { data, size, count, context in
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard let data, length > 0 else { return 0 }
    return exchange.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private let writeHeader: curl_write_callback = { data, size, count, context in
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard let data else { return 0 }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    exchange.appendHeaderLine(line)
    return length
}
