/// The port a URL names, read off its text: URLComponents gives no port for one past 16 bits (or
/// not a number), and a default in its place would send lfmaint to a server nobody named.
enum URLPort {
    /// Throws when the URL names a port that is not 1–65535; a URL without a port passes.
    static func check(_ url: String, key: String) throws {
        guard let schemeEnd = url.range(of: "://") else { return }
        let authority = url[schemeEnd.upperBound...].prefix { !"/?#".contains($0) }
        let hostPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let afterHost = hostPort.hasPrefix("[") ? hostPort.firstIndex(of: "]").map { hostPort[hostPort.index(after: $0)...] } ?? "" : hostPort
        guard let colon = afterHost.lastIndex(of: ":") else { return }
        let text = afterHost[afterHost.index(after: colon)...]
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ConfigError(key: key, "names port \"\(text.prefix(30))\", not one from 1 to 65535")
        }
    }
}
