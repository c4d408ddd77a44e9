import Foundation

/// A bucket's lifecycle configuration as S3 (and MinIO, and moto) return it. A PUT replaces every
/// rule, so each rule lfmaint did not write is kept as the exact text the store sent, and sent back
/// as it was; only what lfmaint needs to know is read from it. Anything it cannot account for is an
/// error, never a rule dropped.
struct LifecycleConfiguration: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        /// The `<Rule>…</Rule>` element as the store sent it (or as lfmaint writes it).
        var xml: String
        var id: String?
        var enabled: Bool
        /// The rule's only filter, a prefix (`<Filter><Prefix>` or the old `<Prefix>`); nil for any other filter.
        var prefix: String?
        var expirationDays: Int?

        init(xml: String, id: String?, enabled: Bool, prefix: String?, expirationDays: Int?) {
            self.xml = xml
            self.id = id
            self.enabled = enabled
            self.prefix = prefix
            self.expirationDays = expirationDays
        }
    }

    var rules: [Rule]
    /// AWS's bucket-wide `x-amz-transition-default-minimum-object-size`, read with the rules and sent back
    /// with them: a PUT without it would reset it.
    var transitionDefaultMinimumObjectSize: String?

    init(rules: [Rule], transitionDefaultMinimumObjectSize: String? = nil) {
        self.rules = rules
        self.transitionDefaultMinimumObjectSize = transitionDefaultMinimumObjectSize
    }

    /// The values AWS gives that header.
    static let transitionSizes: Set<String> = ["all_storage_classes_128K", "varies_by_storage_class"]

    static let limit = 1000
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    /// The rule lfmaint puts: expire objects under `prefix` after `days`.
    static func expiry(id: String, prefix: String, days: Int) -> Rule {
        let xml = "<Rule><ID>\(XMLText.escaped(id))</ID><Filter><Prefix>\(XMLText.escaped(prefix))</Prefix></Filter>"
            + "<Status>Enabled</Status><Expiration><Days>\(days)</Days></Expiration></Rule>"
        return Rule(xml: xml, id: id, enabled: true, prefix: prefix, expirationDays: days)
    }

    var xml: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LifecycleConfiguration xmlns=\"\(Self.namespace)\">"
            + rules.map(\.xml).joined() + "</LifecycleConfiguration>\n"
    }

    struct Malformed: Error, Equatable, CustomStringConvertible {
        var detail: String
        var description: String { "the bucket's lifecycle configuration is not one lfmaint can keep intact: \(detail)" }
    }

    /// The rules of a `LifecycleConfiguration` document: only `<Rule>` elements may sit inside it.
    static func parse(_ document: String) throws -> LifecycleConfiguration {
        var text = Substring(document).trimmingWhitespace
        if text.hasPrefix("<?xml") {
            guard let end = text.range(of: "?>") else { throw Malformed(detail: "an unclosed XML declaration") }
            text = text[end.upperBound...].trimmingWhitespace
        }
        let root = "<LifecycleConfiguration", closing = "</LifecycleConfiguration>"
        guard text.hasPrefix(root), let open = text.firstIndex(of: ">"),
              [">", " ", "/"].contains(text[text.index(text.startIndex, offsetBy: root.count)]) else {
            throw Malformed(detail: "no <LifecycleConfiguration> element")
        }
        if text[text.index(before: open)] == "/", text.index(after: open) == text.endIndex { return LifecycleConfiguration(rules: []) }
        guard text.hasSuffix(closing), let end = text.range(of: closing, options: .backwards),
              end.lowerBound >= text.index(after: open) else {
            throw Malformed(detail: "an unclosed <LifecycleConfiguration>")
        }
        var body = text[text.index(after: open)..<end.lowerBound].trimmingWhitespace
        var rules: [Rule] = []
        while !body.isEmpty {
            guard body.hasPrefix("<Rule>"), let close = body.range(of: "</Rule>") else {
                throw Malformed(detail: "\"\(body.prefix(60))\" where a <Rule> was expected")
            }
            let element = body[..<close.upperBound]
            guard element.dropFirst(6).range(of: "<Rule>") == nil else { throw Malformed(detail: "a <Rule> inside a <Rule>") }
            rules.append(try rule(String(element)))
            body = body[close.upperBound...].trimmingWhitespace
        }
        guard rules.count <= limit else { throw Malformed(detail: "\(rules.count) rules, more than S3's \(limit)") }
        return LifecycleConfiguration(rules: rules)
    }

    static func rule(_ xml: String) throws -> Rule {
        let status = try XMLText.element("Status", in: xml)
        guard status == "Enabled" || status == "Disabled" else { throw Malformed(detail: "a rule whose Status is \(status ?? "missing")") }
        let filter = try XMLText.inner("Filter", in: xml)
        var prefix: String?
        if let filter {
            let children = filter.trimmingWhitespace
            if children.isEmpty || children == "<Prefix/>" {
                prefix = ""
            } else if children.hasPrefix("<Prefix>"), children.hasSuffix("</Prefix>") {
                let content = children.dropFirst(8).dropLast(9)
                if !content.contains("<") { prefix = try XMLText.unescaped(content) }
            }
        } else {
            prefix = try XMLText.element("Prefix", in: xml) ?? ""
        }
        var days: Int?
        if let expiration = try XMLText.inner("Expiration", in: xml), let text = try XMLText.element("Days", in: String(expiration)) {
            guard let number = Int(text), number > 0 else { throw Malformed(detail: "a rule whose Expiration Days is \"\(text)\"") }
            days = number
        }
        return Rule(xml: xml, id: try XMLText.element("ID", in: xml), enabled: status == "Enabled", prefix: prefix, expirationDays: days)
    }
}

private extension Substring {
    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
