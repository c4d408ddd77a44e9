import LFMaint
import LFMaintSupport
#if canImport(Glibc)
import Glibc
#endif

/// One client of `BoundedHTTPServer`: it reads a request head, writes one answer, then drains what
/// the client still sends (so that it reads the answer rather than a reset) and is closed. Each
/// phase has a deadline; no call blocks (the socket is non-blocking).
struct HTTPConnection {
    enum Phase {
        case reading(HTTPHeadReader)
        case writing([UInt8], sent: Int)
        case draining
        case done
    }

    let fd: Int32
    let opened: Double
    private(set) var deadline: Double
    private var phase: Phase

    init(fd: Int32, opened: Double, limits: HTTPLimits) {
        self.fd = fd
        self.opened = opened
        deadline = opened + limits.readSeconds
        phase = .reading(HTTPHeadReader(limits: limits))
    }

    var wantsToWrite: Bool { if case .writing = phase { true } else { false } }
    var isReading: Bool { if case .reading = phase { true } else { false } }
    var isDraining: Bool { if case .draining = phase { true } else { false } }
    var isDone: Bool { if case .done = phase { true } else { false } }

    mutating func handleReady(limits: HTTPLimits, handler: BoundedHTTPServer.Handler) {
        switch phase {
        case .reading(var reader):
            guard let chunk = receive() else { return }
            guard !chunk.isEmpty else { phase = .done; return }
            switch reader.feed(chunk) {
            case .incomplete: phase = .reading(reader)
            case .refused(let status): answer(.refusal(status), limits: limits)
            case .request(let method, let path):
                guard method == "GET" || method == "HEAD" else { return answer(.refusal(.methodNotAllowed), limits: limits) }
                answer(handler(path) ?? .refusal(.notFound), limits: limits, omitBody: method == "HEAD")
            }
        case .writing(let bytes, let sent):
            let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno != EAGAIN && errno != EINTR { phase = .done }
                return
            }
            if sent + written < bytes.count {
                phase = .writing(bytes, sent: sent + written)
            } else {
                shutdown(fd, Int32(SHUT_WR))
                deadline = MonotonicClock.seconds() + limits.drainSeconds
                phase = .draining
            }
        case .draining:
            // Discarded as fast as they come, up to 64 KiB a round, so that answered clients leave soon.
            for _ in 0..<16 {
                guard let chunk = receive() else { return }
                if chunk.isEmpty { phase = .done; return }
            }
        case .done:
            break
        }
    }

    /// A request that did not arrive in time is answered 408; an answer not taken in time, or a
    /// drain that outlasts its time, ends the connection.
    mutating func handleDeadline(limits: HTTPLimits) {
        if isReading { answer(.refusal(.requestTimeout), limits: limits) } else { phase = .done }
    }

    private mutating func answer(_ answer: HTTPAnswer, limits: HTTPLimits, omitBody: Bool = false) {
        deadline = MonotonicClock.seconds() + limits.writeSeconds
        phase = .writing(answer.bytes(omitBody: omitBody), sent: 0)
    }

    /// The bytes waiting (empty at the end of the stream), or nil when there are none yet. An error
    /// ends the connection.
    private mutating func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno != EAGAIN && errno != EINTR { phase = .done }
            return nil
        }
        return Array(buffer[..<count])
    }
}
