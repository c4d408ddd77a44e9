import CCurl

/// A curl easy handle; owned by `HTTPClient`, used by one request at a time.
struct CurlEasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    func reset() { curl_easy_reset(raw) }
    func cleanup() { curl_easy_cleanup(raw) }

    func set(_ option: CURLoption, _ value: Int) -> CURLcode { lfm_setopt_long(raw, option, value) }
    func set(_ option: CURLoption, _ value: String) -> CURLcode { lfm_setopt_string(raw, option, value) }
    func set(_ option: CURLoption, offset value: Int64) -> CURLcode { lfm_setopt_off_t(raw, option, curl_off_t(value)) }
    func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) -> CURLcode { lfm_setopt_slist(raw, option, list) }
    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) -> CURLcode { lfm_setopt_pointer(raw, option, pointer) }
    func set(_ option: CURLoption, function: curl_write_callback) -> CURLcode { lfm_setopt_write_function(raw, option, function) }

    func responseCode() -> Int {
        var code = 0
        _ = lfm_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }
}
