import Foundation
import LFMaintSupport

/// `lfmaint sample` output: an aligned table for people, a JSON array for programs.
public enum SampleReport {
    public static func text(_ run: SampleRun) -> String {
        var table = TextTable(header: ["VOLUME", "COMPONENT", "SOURCE", "PVC", "USED", "TOTAL", "USE%", "INODES%", "STATUS"])
        for sample in run.samples {
            table.add([
                sample.volume.name, sample.volume.component.rawValue, sample.volume.source.rawValue, sample.volume.pvc ?? "-",
                sample.usedBytes.map(ByteCount.readable) ?? "-", sample.totalBytes.map(ByteCount.readable) ?? "-",
                sample.usagePercent.map { String(format: "%.1f", $0) } ?? "-",
                sample.inodesUsagePercent.map { String(format: "%.1f", $0) } ?? "-",
                sample.status == .ok ? "ok" : "unknown: \(sample.error ?? "")",
            ])
        }
        var text = table.render() + "\n"
        for sample in run.samples where !sample.top.isEmpty {
            text += "\nLargest in \(sample.volume.name):\n"
            text += sample.top.map { "  \(ByteCount.readable($0.bytes).padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.name)" }.joined(separator: "\n") + "\n"
        }
        return text
    }

    public static func json(_ run: SampleRun) -> String {
        JSONOutput.encodeArray(run.samples, object)
    }

    public static func object(_ sample: VolumeSample) -> [String: Any] {
        func value(_ optional: Any?) -> Any { optional ?? NSNull() }
        return [
            "volume": sample.volume.name,
            "component": sample.volume.component.rawValue,
            "source": sample.volume.source.rawValue,
            "pvc": value(sample.volume.pvc),
            "pod": value(sample.volume.pod),
            "namespace": value(sample.volume.namespace),
            "status": sample.status.rawValue,
            "error": value(sample.error),
            "usedBytes": value(sample.usedBytes),
            "totalBytes": value(sample.totalBytes),
            "availableBytes": value(sample.availableBytes),
            "usagePercent": value(sample.usagePercent.map(rounded)),
            "usedGB": value(sample.usedGB.map(rounded)),
            "totalGB": value(sample.totalGB.map(rounded)),
            "inodesUsagePercent": value(sample.inodesUsagePercent.map(rounded)),
            "top": sample.top.map { item -> [String: Any] in
                var entry: [String: Any] = ["name": item.name, "bytes": item.bytes, "kind": item.kind.rawValue]
                if let rows = item.rows { entry["rows"] = rows }
                if let parts = item.parts { entry["parts"] = parts }
                return entry
            },
        ]
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
