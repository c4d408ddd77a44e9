import Foundation
import LFMaintEdges
import LFMaintSupport

/// The forecasts a running agent publishes (`lfmaint_volume_full_in_seconds` at its `/metrics`), for
/// `lfmaint explain --agent URL`: one look at a volume cannot tell a trend, the agent's history can.
public enum AgentForecasts {
    static let metric = "lfmaint_volume_full_in_seconds"

    public static func fetch(agentURL: String, http: HTTPClient = HTTPClient()) async throws -> [String: Double] {
        let url = agentURL.hasSuffix("/") ? String(agentURL.dropLast()) : agentURL
        let response = try await BlockingIO.run { try http.perform(HTTPClientRequest(url: url + "/metrics"), timeoutSeconds: 5) }
        guard response.status == 200 else {
            throw HTTPClientError.invalidRequest(url: url + "/metrics",
                                                 reason: "the agent answered HTTP \(response.status), not its metrics")
        }
        return parse(response.bodyText)
    }

    /// Seconds to full by volume, from Prometheus' text exposition; lines that are not the metric, or whose
    /// value is not a finite non-negative number, are passed over.
    static func parse(_ exposition: String) -> [String: Double] {
        var forecasts: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where line.hasPrefix(metric + "{") {
            guard let close = line.lastIndex(of: "}"),
                  let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)),
                  value.isFinite, value >= 0,
                  let volume = labels(line[line.index(line.startIndex, offsetBy: metric.count + 1)..<close])["volume"]
            else { continue }
            forecasts[volume] = value
        }
        return forecasts
    }

    /// `a="x",b="y\"z"` as a dictionary, with `\\`, `\"` and `\n` unescaped.
    static func labels(_ text: Substring) -> [String: String] {
        var labels: [String: String] = [:]
        var rest = text[...]
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            var index = rest.index(after: equals)
            guard index < rest.endIndex, rest[index] == "\"" else { break }
            index = rest.index(after: index)
            var value = ""
            while index < rest.endIndex, rest[index] != "\"" {
                if rest[index] == "\\", rest.index(after: index) < rest.endIndex {
                    index = rest.index(after: index)
                    value.append(rest[index] == "n" ? "\n" : rest[index])
                } else {
                    value.append(rest[index])
                }
                index = rest.index(after: index)
            }
            labels[name] = value
            rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
        }
        return labels
    }
}
