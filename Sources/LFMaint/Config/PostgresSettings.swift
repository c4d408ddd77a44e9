import Foundation
import LFMaintSupport

/// The `postgres` section.
struct PostgresSettings: Sendable, Equatable {
    /// A `postgres://` URL that may hold a password: print `printableURL`, never this.
    var url: Secret
    var printableURL: String { Redaction.url(url.reveal()) }

    init(url: Secret) {
        self.url = url
    }

    static func read(_ section: inout YAMLSection) throws -> PostgresSettings? {
        let url = try section.string("url")
        try section.finish()
        return url.map { PostgresSettings(url: Secret($0)) }
    }

    func validate() throws {
        let components = URLComponents(string: url.reveal())
        guard let scheme = components?.scheme, ["postgres", "postgresql"].contains(scheme), components?.host != nil else {
            throw ConfigError(key: "postgres.url (DATABASE_URL)", "expected postgresql://user:password@host:port/db, got \(printableURL)")
        }
        try URLPort.check(url.reveal(), key: "postgres.url (DATABASE_URL)")
        // libpq splits at the first "@", Foundation at the last: the rest of such a password would
        // become libpq's host name, and show in its error messages.
        let authority = url.reveal().split(separator: "://", maxSplits: 1).last?.split(separator: "/", maxSplits: 1).first ?? ""
        guard authority.filter({ $0 == "@" }).count <= 1 else {
            throw ConfigError(key: "postgres.url (DATABASE_URL)", "the user or password holds a raw \"@\": write it as %40")
        }
    }
}
