import Foundation

/// Prometheus text exposition (version 0.0.4) of a sampling run. Unknown volumes get
/// `lfmaint_volume_sample_ok 0` and no value series, never zeros.
public enum PrometheusExposition {
    public struct Family: Sendable {
        let name: String
        let help: String
        var type = "gauge"
        var series: [(labels: [(String, String)], value: Double)] = []

        public init(name: String, help: String, type: String = "gauge") {
            self.name = name
            self.help = help
            self.type = type
        }

        public mutating func add(_ labels: [(String, String)], _ value: Double?) {
            if let value, value.isFinite { series.append((labels, value)) }
        }
    }

    public static func render(_ run: SampleRun, cluster: String) -> String {
        render(families(run, cluster: cluster))
    }

    public static func render(_ families: [Family]) -> String {
        families.filter { !$0.series.isEmpty }.map(render).joined()
    }

    public static func volumeLabels(_ volume: VolumeSettings, cluster: String) -> [(String, String)] {
        [("volume", volume.name), ("component", volume.component.rawValue), ("pvc", volume.pvc ?? ""),
         ("pod", volume.pod ?? ""), ("namespace", volume.namespace ?? ""), ("cluster", cluster)]
    }

    public static func families(_ run: SampleRun, cluster: String) -> [Family] {
        var families = [
            Family(name: "lfmaint_volume_usage_ratio", help: "Share of the volume's capacity not available (0-1)."),
            Family(name: "lfmaint_volume_used_bytes", help: "Bytes used on the volume."),
            Family(name: "lfmaint_volume_capacity_bytes", help: "Capacity of the volume in bytes."),
            Family(name: "lfmaint_volume_available_bytes", help: "Bytes available on the volume."),
            Family(name: "lfmaint_volume_inodes_usage_ratio", help: "Share of the volume's inodes in use (0-1)."),
            Family(name: "lfmaint_volume_sample_ok", help: "1 when the volume's source answered, 0 when its usage is unknown."),
            Family(name: "lfmaint_table_bytes", help: "Bytes of the largest tables, databases and memory figures on each volume."),
            Family(name: "lfmaint_table_rows", help: "Rows of the largest tables on each volume."),
            Family(name: "lfmaint_table_parts", help: "Active parts of the largest ClickHouse tables on each volume."),
            Family(name: "lfmaint_source_up", help: "1 when every volume of the source was sampled, else 0."),
            Family(name: "lfmaint_sample_duration_seconds", help: "Wall time of the last sampling run."),
        ]
        func add(_ index: Int, _ labels: [(String, String)], _ value: Double?) { families[index].add(labels, value) }
        for sample in run.samples {
            let volume = sample.volume
            let labels = volumeLabels(volume, cluster: cluster)
            add(0, labels, sample.usagePercent.map { $0 / 100 })
            add(1, labels, sample.usedBytes.map(Double.init))
            add(2, labels, sample.totalBytes.map(Double.init))
            add(3, labels, sample.availableBytes.map(Double.init))
            add(4, labels, sample.inodesUsagePercent.map { $0 / 100 })
            add(5, labels, sample.status == .ok ? 1 : 0)
            for item in sample.top {
                let itemLabels = [("volume", volume.name), ("component", volume.component.rawValue), ("name", item.name),
                                  ("kind", item.kind.rawValue), ("cluster", cluster)]
                add(6, itemLabels, Double(item.bytes))
                add(7, itemLabels, item.rows.map(Double.init))
                add(8, itemLabels, item.parts.map(Double.init))
            }
        }
        for (source, up) in run.sourceUp.sorted(by: { $0.key < $1.key }) { add(9, [("source", source), ("cluster", cluster)], up ? 1 : 0) }
        add(10, [("cluster", cluster)], run.durationSeconds)
        return families
    }

    static func render(_ family: Family) -> String {
        var text = "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
        for series in family.series {
            let labels = series.labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
            text += "\(family.name){\(labels)} \(format(series.value))\n"
        }
        return text
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
