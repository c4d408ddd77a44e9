import LFMaintSupport

extension HTTPClientResponse {
    /// The body as one short line for an error message: an HTML error page loses its markup, every run
    /// of whitespace becomes one space, and at most `limit` characters are kept.
    public func bodySummary(limit: Int = 300) -> String {
        // Before any cut or collapse: a secret the server quotes must not survive in part.
        var text = SecretScrubber.scrub(bodyText)
        if header("Content-Type")?.lowercased().contains("html") == true || text.drop { $0.isWhitespace }.hasPrefix("<") {
            text = Self.withoutMarkup(text)
        }
        return ServerText.oneLine(text, limit: limit)
    }

    private static func withoutMarkup(_ html: String) -> String {
        var result = ""
        var inTag = false
        for character in html {
            switch character {
            case "<": inTag = true; result.append(" ")
            case ">": inTag = false
            default: if !inTag { result.append(character) }
            }
        }
        return result
    }
}
