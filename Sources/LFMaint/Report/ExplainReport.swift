import Foundation
import LFMaintSupport

/// `lfmaint explain` output: per volume, its lines largest first with their share of the used bytes,
/// what frees each, the notes, the forecast and the next step; or one JSON object per volume.
public enum ExplainReport {
    public static func text(_ accounts: [VolumeAccount]) -> String {
        accounts.map(text).joined(separator: "\n")
    }

    static func text(_ account: VolumeAccount) -> String {
        let volume = account.volume
        let sample = account.sample
        var text = "\(volume.name) (\(volume.component.rawValue)" + (volume.pvc.map { ", pvc \($0)" } ?? "") + ")\n"
        if let used = sample.usedBytes {
            text += "  used \(ByteCount.readable(used))" + (sample.totalBytes.map { " of \(ByteCount.readable($0))" } ?? "")
                + (sample.usagePercent.map { String(format: " (%.1f %%)", $0) } ?? "") + "\n"
        }
        text += "  forecast: \(forecast(account.secondsToFull))\n"
        if let error = account.error {
            return text + "  cannot explain it: \(error)\n  next: \(account.nextStep)\n"
        }
        let used = account.lines.map(\.bytes).saturatingSum
        var table = TextTable(header: ["BYTES", "SHARE", "KIND", "WHAT"])
        for line in account.lines {
            table.add([(line.estimated ? "~" : "") + ByteCount.readable(line.bytes), share(line.bytes, of: used), line.kind.rawValue,
                       line.name + (line.detail.map { " (\($0))" } ?? "")])
        }
        table.add([ByteCount.readable(used), share(used, of: used), "", "= used"])
        text += table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        text += "  what frees it (lfmaint's part in brackets):\n"
        var seen: Set<String> = []
        for line in account.lines where seen.insert(line.kind.rawValue + line.freedBy).inserted {
            text += "    \(line.kind.rawValue): \(line.freedBy) [\(line.remedy.rawValue)]\n"
        }
        if !account.notes.isEmpty {
            text += "  notes:\n"
                + account.notes.map { "    \($0.warning ? "!" : "-") \($0.kind.rawValue) \($0.subject): \($0.text)\n" }.joined()
        }
        return text + "  next: \(account.nextStep)\n"
    }

    static func forecast(_ seconds: Double?) -> String {
        guard let seconds else { return "not filling, or not watched long enough (the agent forecasts from its samples)" }
        return seconds <= 0 ? "full now" : "full in about \(TimeText.duration(seconds: Int64(min(seconds, 1e12))))"
    }

    static func share(_ bytes: Int64, of total: Int64) -> String {
        total > 0 ? Percent.text(Double(bytes) / Double(total) * 100) : "-"
    }

    public static func json(_ accounts: [VolumeAccount]) -> String {
        JSONOutput.encodeArray(accounts, object)
    }

    static func object(_ account: VolumeAccount) -> [String: Any] {
        func value(_ optional: Any?) -> Any { optional ?? NSNull() }
        let volume = account.volume
        return [
            "volume": volume.name, "component": volume.component.rawValue, "pvc": value(volume.pvc), "pod": value(volume.pod),
            "status": account.error == nil ? "ok" : "unknown", "error": value(account.error),
            "usedBytes": value(account.sample.usedBytes), "totalBytes": value(account.sample.totalBytes),
            "availableBytes": value(account.sample.availableBytes),
            "secondsToFull": value(account.secondsToFull), "nextStep": account.nextStep,
            "lines": account.lines.map { line -> [String: Any] in
                ["kind": line.kind.rawValue, "name": line.name, "bytes": line.bytes, "estimated": line.estimated,
                 "freedBy": line.freedBy, "lfmaint": line.remedy.rawValue, "detail": value(line.detail)]
            },
            "notes": account.notes.map { note -> [String: Any] in
                ["kind": note.kind.rawValue, "subject": note.subject, "bytes": value(note.bytes), "freeable": value(note.freeable),
                 "text": note.text, "warning": note.warning]
            },
        ]
    }
}
