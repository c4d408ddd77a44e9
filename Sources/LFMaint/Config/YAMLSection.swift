import Yams

/// Reads one YAML mapping with typed accessors that name the full key path in their errors, and
/// refuses keys nobody asked for (`finish()`), so a typo in the config is an error, not a default.
struct YAMLSection {
    /// No tag rules: the readers below take each scalar's text and style, never its resolved tag, and
    /// Yams's rules cost a regular expression per rule per key (a third of a 1,000-volume `sample`).
    static let resolver = Resolver.basic

    let path: String
    private var entries: [String: Node] = [:]
    private var read: Set<String> = []

    init(_ node: Node?, path: String) throws {
        self.path = path
        guard let node else { return }
        if node.null != nil { return }
        guard let mapping = node.mapping else { throw ConfigError(key: path.isEmpty ? "(top level)" : path, "expected a mapping of keys") }
        for (key, value) in mapping {
            guard let name = key.string else { throw ConfigError(key: path, "a key is not a string") }
            entries[name] = value
        }
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func node(_ key: String) -> Node? {
        read.insert(key)
        guard let node = entries[key] else { return nil }
        return node.null == nil ? node : nil
    }

    mutating func string(_ key: String) throws -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else { throw ConfigError(key: keyPath(key), "expected a string") }
        return scalar.string
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let node = node(key) else { return nil }
        guard let value = node.int ?? node.string.flatMap({ Int($0) }) else {
            throw ConfigError(key: keyPath(key), "expected a whole number, got \(describe(node))")
        }
        return value
    }

    mutating func double(_ key: String) throws -> Double? {
        guard let node = node(key) else { return nil }
        guard let value = node.float ?? node.string.flatMap({ Double($0) }), value.isFinite else {
            throw ConfigError(key: keyPath(key), "expected a number, got \(describe(node))")
        }
        return value
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let node = node(key) else { return nil }
        // A quoted "true" is a string, as it was with the tag rules.
        let plain = node.scalar.flatMap { $0.style == .plain || $0.style == .any ? $0.string : nil }
        switch plain?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw ConfigError(key: keyPath(key), "expected true or false, got \(describe(node))")
        }
    }

    mutating func section(_ key: String) throws -> YAMLSection? {
        guard let node = node(key) else { return nil }
        return try YAMLSection(node, path: keyPath(key))
    }

    mutating func sections(_ key: String) throws -> [YAMLSection] {
        guard let node = node(key) else { return [] }
        guard let items = node.sequence else { throw ConfigError(key: keyPath(key), "expected a list") }
        return try items.enumerated().map { index, item in try YAMLSection(item, path: "\(keyPath(key))[\(index)]") }
    }

    mutating func strings(_ key: String) throws -> [String] {
        guard let node = node(key) else { return [] }
        guard let items = node.sequence else { throw ConfigError(key: keyPath(key), "expected a list") }
        return try items.enumerated().map { index, item in
            guard case .scalar(let scalar) = item else { throw ConfigError(key: "\(keyPath(key))[\(index)]", "expected a string") }
            return scalar.string
        }
    }

    /// Throws for the first key that no accessor read.
    func finish() throws {
        if let unknown = entries.keys.sorted().first(where: { !read.contains($0) }) {
            throw ConfigError(key: keyPath(unknown), "unknown key (known here: \(read.sorted().joined(separator: ", ")))")
        }
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

extension YAMLSection {
    /// One of an enumeration's words, naming the others when it is none of them.
    static func enumValue<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ text: String?, key: String) throws -> E where E.RawValue == String {
        let known = E.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text else { throw ConfigError(key: key, "is required (one of: \(known))") }
        guard let value = E(rawValue: text) else { throw ConfigError(key: key, "unknown value \"\(text)\" (one of: \(known))") }
        return value
    }
}
