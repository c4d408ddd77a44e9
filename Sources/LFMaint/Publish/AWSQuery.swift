import Foundation

/// Reading the XML answers of AWS's Query API.
enum AWSQuery {
    /// The text of the first `<name>` element.
    static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex) else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    /// The `<Message>` of an AWS error document, else the start of the body.
    static func message(_ body: String) -> String {
        element("Message", in: body) ?? String(body.prefix(300))
    }
}
