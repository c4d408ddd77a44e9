@testable import LFMaint
@testable import LFMaintSupport
import Testing

@Suite("Secrets and SQL identifiers")
struct RedactionAndIdentifierTests {
    @Test(arguments: [
        ("postgresql://lf:pa55@db:5432/langfuse", "postgresql://lf:***@db:5432/langfuse"),
        ("http://h:8123/?user=u&password=pa55&query=SELECT", "http://h:8123/?user=u&password=***&query=SELECT"),
        ("redis://:pa55@cache:6379", "redis://:***@cache:6379"),
        ("http://h/no-secret", "http://h/no-secret"),
        ("weird://u:pa55@ not a url", "weird://***@ not a url"),
        ("postgresql:/u:SECRET@h/db", "postgresql:***@h/db"),
        ("http:/u:SECRET@h", "http:***@h"),
        ("redis:/:SECRET@h", "redis:***@h"),
        ("not a url:SECRET@", "not a url:***@"),
        ("SECRET@host", "***@host"),
        ("http://u:%FF%FESECRET@h/", "http://u:***@h/"),
    ])
    func urlsAreRedacted(url: String, expected: String) {
        #expect(Redaction.url(url) == expected)
    }

    @Test func aLibrarysMessageLosesThePasswordInEveryForm() {
        let url = "postgresql://lf:100%SECRET@db/langfuse"
        #expect(Redaction.scrub(#"invalid percent-encoded token: "100%SECRET""#, passwordOf: url) == #"invalid percent-encoded token: "***""#)
        #expect(Redaction.scrub("password p@ss word was wrong", passwordOf: "postgresql://u:p%40ss%20word@h/db") == "password *** was wrong")
        #expect(Redaction.scrub("no password here", passwordOf: "postgresql://u@h/db") == "no password here")
        #expect(Redaction.scrub("pw-word and more", passwordOf: "postgresql://u:pw-word@h/db?x=a@b") == "*** and more")
    }

    @Test func endpointsDropTheQueryString() {
        #expect(Redaction.endpoint("http://u:pw@h:8123/?query=SELECT&password=pw") == "http://u:***@h:8123/")
        #expect(Redaction.endpoint("https://h/api/v1/nodes") == "https://h/api/v1/nodes")
    }

    @Test func aSecretPrintsStars() {
        let secret = Secret("pa55")
        #expect("\(secret)" == "***")
        #expect(String(reflecting: secret) == "***")
        #expect(secret.reveal() == "pa55")
    }

    @Test(arguments: ["traces", "_x1", "query_log_0", "A"])
    func validIdentifiersAreBackquoted(name: String) {
        #expect(SQLIdentifier(name)?.quoted == "`\(name)`")
    }

    @Test(arguments: ["", "1abc", "a-b", "a b", "a`b", "tra;ces", "名前", String(repeating: "a", count: 129)])
    func invalidIdentifiersAreRefused(name: String) {
        #expect(SQLIdentifier(name) == nil)
    }

    @Test func qualifiedNamesTakeTheDefaultDatabase() {
        #expect(QualifiedTableName("traces", defaultDatabase: "default")?.quoted == "`default`.`traces`")
        #expect(QualifiedTableName("system.query_log", defaultDatabase: "default")?.quoted == "`system`.`query_log`")
        #expect(QualifiedTableName("a.b.c", defaultDatabase: "default") == nil)
        #expect(QualifiedTableName(".x", defaultDatabase: "default") == nil)
    }
}
