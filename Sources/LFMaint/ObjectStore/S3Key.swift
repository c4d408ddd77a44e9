/// S3 compares keys and prefixes as bytes (UTF-8), not as text: Swift's `hasPrefix` and `==` would take
/// `é` and `e` followed by a combining accent for the same, and S3 would not.
enum S3Key {
    static func starts(_ key: String, with prefix: String) -> Bool { key.utf8.starts(with: prefix.utf8) }

    static func same(_ one: String, _ other: String) -> Bool { one.utf8.elementsEqual(other.utf8) }

    /// What follows `prefix` in `key` (which starts with it).
    static func rest(of key: String, after prefix: String) -> [UInt8] { Array(key.utf8.dropFirst(prefix.utf8.count)) }
}
