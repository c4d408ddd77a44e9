/// The bytes of one Redis connection: a plain TCP socket, or TLS through libcurl.
protocol RedisTransport: AnyObject {
    func send(_ bytes: [UInt8]) throws
    /// Appends at least one received byte to `buffer`, or throws once `deadline` (monotonic seconds) passes.
    func receive(into buffer: inout [UInt8], before deadline: Double) throws
}
