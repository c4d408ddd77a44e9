/// The 64-byte blocks MD5 and SHA-256 both hash: the message, a 1 bit, zeros, its length in bits.
enum DigestPadding {
    static func blocks(_ bytes: [UInt8], lengthBigEndian: Bool) -> [[UInt8]] {
        var message = bytes
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        let bits = UInt64(bytes.count) &* 8
        let length = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
        message += lengthBigEndian ? length.reversed() : length
        return stride(from: 0, to: message.count, by: 64).map { Array(message[$0..<$0 + 64]) }
    }
}
