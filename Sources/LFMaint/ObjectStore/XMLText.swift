/// The little XML lfmaint reads and writes (an S3 lifecycle document, a ClickHouse config file): element
/// text by name, and escaping.
enum XMLText {
    /// The raw content of the first `<name>…</name>` (nil when there is none; "" for `<name/>`).
    static func inner(_ name: String, in xml: String) throws -> Substring? {
        if xml.range(of: "<\(name)/>") != nil, xml.range(of: "<\(name)>") == nil { return "" }
        guard let open = xml.range(of: "<\(name)>") else { return nil }
        guard let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else {
            throw LifecycleConfiguration.Malformed(detail: "an unclosed <\(name)>")
        }
        return xml[open.upperBound..<close.lowerBound]
    }

    /// The text of the first `<name>` element, unescaped; an element holding elements is an error.
    static func element(_ name: String, in xml: String) throws -> String? {
        guard let content = try inner(name, in: xml) else { return nil }
        guard !content.contains("<") else { throw LifecycleConfiguration.Malformed(detail: "<\(name)> holds elements, not text") }
        return try unescaped(content)
    }

    static func unescaped(_ text: Substring) throws -> String {
        var result = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semicolon) <= 10 else {
                throw LifecycleConfiguration.Malformed(detail: "a bare & in text")
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"][String(entity)]
            if let named {
                result += named
            } else if entity.hasPrefix("#"),
                      let code = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : UInt32(entity.dropFirst()),
                      let scalar = Unicode.Scalar(code) {
                result.unicodeScalars.append(scalar)
            } else {
                throw LifecycleConfiguration.Malformed(detail: "an unknown entity &\(entity);")
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
