import Foundation
import LFMaintSupport

/// A Kubernetes resource quantity (`100Gi`, `107374182400`, `1.5T`, `5e9`) as bytes, read as the API
/// server reads it: fractions of a byte round up. Anything else (negative, over `Int64`, stray text) is
/// refused: a size lfmaint cannot read is a PVC it does not resize.
enum KubeQuantity {
    static let gibibyte: Int64 = 1 << 30

    private static let binary: [String: Decimal] = [
        "Ki": 1024, "Mi": Decimal(1 << 20), "Gi": Decimal(1 << 30), "Ti": Decimal(1 << 40),
        "Pi": Decimal(1 << 50), "Ei": Decimal(1 << 60),
    ]
    private static let decimal: [String: Int] = ["m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18]

    static func bytes(_ text: String) -> Int64? {
        guard !text.isEmpty, text.count <= 64, text.allSatisfy(\.isASCII) else { return nil }
        let numberEnd = text.firstIndex { !("0"..."9").contains($0) && $0 != "." && $0 != "+" } ?? text.endIndex
        let number = String(text[..<numberEnd])
        let suffix = String(text[numberEnd...])
        guard let mantissa = unsignedDecimal(number) else { return nil }
        let value: Decimal
        if let multiplier = binary[suffix] {
            value = mantissa * multiplier
        } else if let power = decimal[suffix] {
            value = scaled(mantissa, power: power)
        } else if let first = suffix.first, first == "e" || first == "E", let power = Int(suffix.dropFirst()), abs(power) <= 30 {
            value = scaled(mantissa, power: power)
        } else {
            return nil
        }
        var rounded = Decimal()
        var exact = value
        NSDecimalRound(&rounded, &exact, 0, .up)
        guard rounded <= Decimal(Int64.max) else { return nil }
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    /// Whole GiB, as lfmaint writes every size it asks for.
    static func gibibytes(_ bytes: Int64) -> String {
        "\(bytes / gibibyte)Gi"
    }

    /// For people: `120Gi` when whole, else `111.76 GiB`.
    static func text(_ bytes: Int64) -> String {
        bytes % gibibyte == 0 ? gibibytes(bytes) : ByteCount.readable(bytes)
    }

    /// Rounded up to whole GiB (saturating).
    static func roundedUpToGiB(_ bytes: Int64) -> Int64 {
        let (sum, overflow) = bytes.addingReportingOverflow(gibibyte - 1)
        return overflow ? Int64.max / gibibyte * gibibyte : sum / gibibyte * gibibyte
    }

    /// `12`, `1.5`, `+3`, `.5`: no sign but `+`, one point, at most 30 digits.
    private static func unsignedDecimal(_ text: String) -> Decimal? {
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
              parts.contains(where: { !$0.isEmpty }), digits.count <= 30 else { return nil }
        return Decimal(string: digits.hasPrefix(".") ? "0" + digits : digits, locale: Locale(identifier: "en_US_POSIX"))
    }

    private static func scaled(_ value: Decimal, power: Int) -> Decimal {
        var result = value
        var scale = Decimal()
        var ten = Decimal(10)
        NSDecimalPower(&scale, &ten, abs(power), .plain)
        result = power >= 0 ? result * scale : result / scale
        return result
    }
}
