// What the Swift runtime and Foundation alone keep resident, linked as lfmaint is (static stdlib):
// a program that formats a date and encodes some JSON, then prints its VmRSS. bench/agent.sh
// compares the agent's idle RSS with it in the same run.
import Foundation

struct Sample: Codable { let volume: String; let usedBytes: Int64; let at: Date }
let json = try JSONEncoder().encode([Sample(volume: "clickhouse", usedBytes: 1 << 30, at: Date())])
FileHandle.standardError.write(json)
Thread.sleep(forTimeInterval: 1)
let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
print(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? "")
