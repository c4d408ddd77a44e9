import Foundation
import LFMaint
#if canImport(Glibc)
import Glibc
#endif

enum EndpointError: Error, CustomStringConvertible {
    case socket(String, Int32)
    case address(String)

    var description: String {
        switch self {
        case .socket(let call, let code): "cannot serve the endpoints: \(call) failed: \(String(cString: strerror(code)))"
        case .address(let host): "cannot serve the endpoints: \(host) is not an IPv4 or IPv6 address"
        }
    }
}

/// A non-blocking listening TCP socket on a numeric IPv4 or IPv6 address.
enum SocketListener {
    static func open(host: String, port: Int) throws -> Int32 {
        let isV6 = host.contains(":")
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw EndpointError.socket("socket", errno) }
        do {
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            try bind(fd, host: host, port: UInt16(port), isV6: isV6)
            guard listen(fd, 128) == 0 else { throw EndpointError.socket("listen", errno) }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    private static func bind<Address>(_ fd: Int32, to address: Address) -> Int32 {
        withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<Address>.size)) }
        }
    }

    /// Non-blocking and closed on exec (accept4 and pipe2 are not in Swift's Glibc module).
    static func makeNonBlocking(_ fd: Int32) -> Bool {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0
    }

    private static func bind(_ fd: Int32, host: String, port: UInt16, isV6: Bool) throws {
        let result: Int32
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw EndpointError.address(host) }
            result = bind(fd, to: address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw EndpointError.address(host) }
            result = bind(fd, to: address)
        }
        guard result == 0 else { throw EndpointError.socket("bind \(host):\(port)", errno) }
    }
}
