/// The sizes and times one request to the agent may take. A scrape or a probe is one short GET: a
/// request that needs more is refused at once, before it costs more than its bytes.
struct HTTPLimits: Sendable {
    var requestLineBytes = 2048
    var headBytes = 8192
    var connections = 64
    /// From accept to the whole request, and again for the answer to leave.
    var readSeconds = 5.0
    var writeSeconds = 5.0
    /// How long a refused client's unread bytes are drained so that it sees the answer (not a reset).
    var drainSeconds = 1.0
}
