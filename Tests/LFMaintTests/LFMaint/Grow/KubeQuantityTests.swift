@testable import LFMaint
import Testing

/// Sizes as the API server writes them, read to the byte; anything else refused.
@Suite("Kubernetes quantities")
struct KubeQuantityTests {
    @Test(arguments: [
        ("100Gi", Int64(100) << 30), ("107374182400", 107_374_182_400), ("1.5Gi", Int64(3) << 29), ("1G", 1_000_000_000),
        ("5e9", 5_000_000_000), ("1E3", 1000), ("2Ti", Int64(2) << 40), ("0.5", 1), ("500m", 1), ("+8Ki", 8192), (".5Ki", 512),
        ("1E", 1_000_000_000_000_000_000),
    ])
    func readsWhatTheAPIServerWrites(text: String, bytes: Int64) {
        #expect(KubeQuantity.bytes(text) == bytes, "\(text)")
    }

    @Test(arguments: ["", "-1Gi", "1Gb", "Gi", "1..2Gi", "1.2.3", "9Ei", "1e400", "1e31", "１Gi", " 1Gi", "1Gi ", "0x10", "NaN", "inf",
                      String(repeating: "9", count: 65)])
    func refusesWhatIsNotASize(text: String) {
        #expect(KubeQuantity.bytes(text) == nil, "\(text)")
    }

    @Test func writesWholeGibibytesAndRoundsUpToThem() {
        #expect(KubeQuantity.gibibytes(Int64(120) << 30) == "120Gi")
        #expect(KubeQuantity.roundedUpToGiB((Int64(100) << 30) + 1) == Int64(101) << 30)
        #expect(KubeQuantity.roundedUpToGiB(Int64(100) << 30) == Int64(100) << 30)
        #expect(KubeQuantity.roundedUpToGiB(.max) <= .max)
    }
}
