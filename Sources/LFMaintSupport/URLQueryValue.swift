import Foundation

extension String {
    /// Percent-encoded for a URL query value, a form body or a path segment: only letters, digits and
    /// `-._~` stay as they are (`+`, `&`, `=`, `;` and `/` are escaped too).
    public var urlQueryValueEncoded: String {
        addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? self
    }

    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
}
