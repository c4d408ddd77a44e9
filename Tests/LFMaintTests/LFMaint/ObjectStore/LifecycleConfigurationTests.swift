import Foundation
@testable import LFMaint
@testable import LFMaintSupport
import Testing

@Suite("Lifecycle configuration and its planner")
struct LifecycleConfigurationTests {
    func settings(prefix: String = "events/", media: EventBucketSettings.Media? = .at(.init(bucket: "langfuse", prefix: "media/")),
                  exports: EventBucketSettings.Location? = nil) -> EventBucketSettings {
        var settings = EventBucketSettings()
        settings.bucket = "langfuse"
        settings.prefix = prefix
        settings.media = media
        settings.exports = exports
        return settings
    }

    static let stored = """
        <?xml version="1.0" encoding="UTF-8"?>
        <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Rule><ID>tmp &amp; scratch</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>
            <Expiration><Days>1</Days></Expiration></Rule>
          <Rule><ID>tagged</ID><Filter><And><Prefix>media/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>
            <Status>Disabled</Status>
            <NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays></NoncurrentVersionExpiration></Rule>
          <Rule><ID>old-style</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Expiration><Days>90</Days></Expiration></Rule>
        </LifecycleConfiguration>
        """

    @Test func eachRuleIsReadAndKeptAsTheStoreSentIt() throws {
        let configuration = try LifecycleConfiguration.parse(Self.stored)
        #expect(configuration.rules.map(\.id) == ["tmp & scratch", "tagged", "old-style"])
        #expect(configuration.rules.map(\.prefix) == ["tmp/", nil, "logs/"], "a filter of tags and a prefix is not a plain prefix")
        #expect(configuration.rules.map(\.enabled) == [true, false, true])
        #expect(configuration.rules.map(\.expirationDays) == [1, nil, 90])
        #expect(configuration.rules[1].xml.contains("<NoncurrentDays>3</NoncurrentDays>"), "sent back whole")
        #expect(try LifecycleConfiguration.parse(configuration.xml) == configuration)
        #expect(try LifecycleConfiguration.parse("<LifecycleConfiguration xmlns=\"x\"/>").rules.isEmpty)
    }

    @Test func aDocumentItCannotAccountForIsRefusedNotTrimmed() {
        let broken = [
            "", "<Error><Code>AccessDenied</Code></Error>",
            "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status></Rule><Comment>x</Comment></LifecycleConfiguration>",
            "<LifecycleConfiguration><Rule><ID>a</ID><Rule><Status>Enabled</Status></Rule></Rule></LifecycleConfiguration>",
            "<LifecycleConfiguration><Rule><ID>a</ID><Status>Maybe</Status></Rule></LifecycleConfiguration>",
            "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status><Expiration><Days>-1</Days></Expiration></Rule>"
                + "</LifecycleConfiguration>",
            "<LifecycleConfiguration><Rule><ID>a &bogus; b</ID><Status>Enabled</Status></Rule></LifecycleConfiguration>",
            "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status>",
            "<LifecycleConfiguration</LifecycleConfiguration>", "<LifecycleConfiguration>",
            "<LifecycleConfigurationX></LifecycleConfigurationX>",
            "<LifecycleConfiguration>" + String(repeating: "<Rule><Status>Enabled</Status></Rule>", count: 1001)
                + "</LifecycleConfiguration>",
        ]
        for document in broken {
            #expect(throws: LifecycleConfiguration.Malformed.self, "\(document.prefix(80))") { try LifecycleConfiguration.parse(document) }
        }
    }

    @Test func theRuleIsAddedLastOrMendedInPlaceAndEveryOtherRuleKept() throws {
        let existing = try LifecycleConfiguration.parse(Self.stored)
        let added = EventLifecyclePlanner.plan(settings: settings(), bucket: "langfuse", days: 30, existing: existing)
        #expect(added.action == .put)
        #expect(added.configuration?.rules.map(\.id) == ["tmp & scratch", "tagged", "old-style", EventLifecyclePlanner.ruleID])
        #expect(added.configuration?.rules.prefix(3).map(\.xml) == existing.rules.map(\.xml))

        let withOurs = try LifecycleConfiguration.parse(try #require(added.configuration).xml)
        #expect(EventLifecyclePlanner.plan(settings: settings(), bucket: "langfuse", days: 30, existing: withOurs).action == .none)
        let longer = EventLifecyclePlanner.plan(settings: settings(), bucket: "langfuse", days: 45, existing: withOurs)
        #expect(longer.action == .put)
        #expect(longer.configuration?.rules.map(\.id) == withOurs.rules.map(\.id), "mended in place, not added twice")
        #expect(longer.configuration?.rules.last?.expirationDays == 45)

        var disabled = withOurs
        disabled.rules[3].enabled = false
        #expect(EventLifecyclePlanner.plan(settings: settings(), bucket: "langfuse", days: 30, existing: disabled).action == .put)
    }

    @Test func aRuleThatCouldMatchMediaOrExportsIsRefused() {
        let empty = LifecycleConfiguration(rules: [])
        func action(_ settings: EventBucketSettings, projects: [String]? = nil) -> EventLifecyclePlan.Action {
            EventLifecyclePlanner.plan(settings: settings, bucket: "langfuse", days: 30, existing: empty, projects: projects).action
        }
        // Langfuse's chart by default: events, media and exports unprefixed in one bucket.
        #expect(action(settings(prefix: "", media: .at(.init(bucket: "langfuse", prefix: ""))))
            .description.contains("would also expire media"))
        #expect(action(settings(prefix: "lf/", media: .at(.init(bucket: "langfuse", prefix: "lf/media/")))).description.contains("media"))
        #expect(action(settings(prefix: "events/", exports: .init(bucket: "langfuse", prefix: "events/")))
            .description.contains("batch exports"))
        #expect(action(settings(media: nil)).description.contains("where Langfuse keeps media is not known"))
        // Exports' keys begin with a timestamp: only a rule whose rest begins with a digit reaches them.
        #expect(action(settings(prefix: "events/", exports: .init(bucket: "langfuse", prefix: ""))) == .put)
        #expect(action(settings(prefix: "2026/", exports: .init(bucket: "langfuse", prefix: "")))
            .description.contains("begin with a timestamp"))
        // Apart: another bucket, a sibling prefix, or no media at all.
        #expect(action(settings(prefix: "", media: .at(.init(bucket: "langfuse-media", prefix: "")))) == .put)
        #expect(action(settings(prefix: "events/", media: .at(.init(bucket: "langfuse", prefix: "events-media/")))) == .put)
        #expect(action(settings(prefix: "", media: EventBucketSettings.Media.none)) == .put)
    }

    /// Media under "" is `<project ID>/<file>`: a rule on events/ reaches only a project named events.
    @Test func insideMediasKeysOnlyAProjectOfThatNameIsAtStakeAndItsIDsMustBeRead() {
        let empty = LifecycleConfiguration(rules: [])
        let unprefixedMedia = settings(prefix: "events/", media: .at(.init(bucket: "langfuse", prefix: "")))
        #expect(EventLifecycleGuard.projectIDs(prefix: "events/", bucket: "langfuse", settings: unprefixedMedia)
            == .init(start: "events", exact: true))
        #expect(EventLifecycleGuard.projectIDs(prefix: "ev", bucket: "langfuse", settings: unprefixedMedia)
            == .init(start: "ev", exact: false))
        #expect(EventLifecycleGuard.projectIDs(prefix: "events/", bucket: "other", settings: unprefixedMedia) == nil)
        #expect(EventLifecycleGuard.projectIDs(prefix: "events/", bucket: "langfuse", settings: settings()) == nil)
        func action(_ settings: EventBucketSettings, _ projects: [String]?) -> String {
            EventLifecyclePlanner.plan(settings: settings, bucket: "langfuse", days: 30, existing: empty, projects: projects)
                .action.description
        }
        #expect(action(unprefixedMedia, nil).contains("set DATABASE_URL"), "not read: refused")
        #expect(action(unprefixedMedia, []) == "put")
        #expect(action(unprefixedMedia, ["eventsx", "clx0abc"]) == "put", "after events/ only the project named events")
        #expect(action(unprefixedMedia, ["events"]).contains("project(s) events"))
        let short = settings(prefix: "ev", media: .at(.init(bucket: "langfuse", prefix: "")))
        #expect(action(short, ["evals"]).contains("project(s) evals"), "a rule without a slash reaches every ID that starts so")
        #expect(action(settings(prefix: "media/events/", media: .at(.init(bucket: "langfuse", prefix: "media/"))), ["events"])
            .contains("events"))
    }

    @Test func theGuardReadsTheDocumentToSendAndRefusesOnItsOwn() throws {
        let existing = try LifecycleConfiguration.parse(Self.stored)
        let ours = LifecycleConfiguration.expiry(id: EventLifecyclePlanner.ruleID, prefix: "events/", days: 30)
        func check(_ rules: [LifecycleConfiguration.Rule], _ settings: EventBucketSettings, projects: [String]? = nil) throws {
            try EventLifecycleGuard.check(LifecycleConfiguration(rules: rules), replacing: existing, bucket: "langfuse", settings: settings,
                                          projects: projects)
        }
        try check(existing.rules + [ours], settings())
        let onMedia = LifecycleConfiguration.expiry(id: EventLifecyclePlanner.ruleID, prefix: "media/", days: 30)
        #expect(throws: EventLifecycleError.self, "a rule on media") { try check(existing.rules + [onMedia], self.settings()) }
        #expect(throws: EventLifecycleError.self, "a rule dropped") {
            try check(Array(existing.rules.dropFirst()) + [ours], self.settings())
        }
        var changed = existing.rules
        changed[0].xml = changed[0].xml.replacingOccurrences(of: "<Days>1</Days>", with: "<Days>2</Days>")
        #expect(throws: EventLifecycleError.self, "a rule changed") { try check(changed + [ours], self.settings()) }
        #expect(throws: EventLifecycleError.self, "two of lfmaint's") { try check(existing.rules + [ours, ours], self.settings()) }
        let unprefixedMedia = settings(media: .at(.init(bucket: "langfuse", prefix: "")))
        #expect(throws: EventLifecycleError.self, "a project named events") {
            try check(existing.rules + [ours], unprefixedMedia, projects: ["events"])
        }
        let escaped = LifecycleConfiguration(rules: [
            LifecycleConfiguration.expiry(id: EventLifecyclePlanner.ruleID, prefix: "a<&>b/", days: 30),
        ])
        #expect(try LifecycleConfiguration.parse(escaped.xml).rules.first?.prefix == "a<&>b/")
    }

    /// S3 compares prefixes as bytes: "é" written as e and a combining accent starts with "e" there.
    @Test func prefixesAreComparedAsTheBytesS3Compares() {
        let decomposed = settings(prefix: "e", media: .at(.init(bucket: "langfuse", prefix: "e\u{301}x/")))
        #expect("e\u{301}x/".hasPrefix("e") == false, "Swift's comparison would let it through")
        #expect(EventLifecyclePlanner.plan(settings: decomposed, bucket: "langfuse", days: 30, existing: LifecycleConfiguration(rules: []))
            .action.description.contains("would also expire media"))
        let composed = settings(prefix: "\u{e9}vents/", media: .at(.init(bucket: "langfuse", prefix: "e\u{301}vents/")))
        #expect(EventLifecyclePlanner.plan(settings: composed, bucket: "langfuse", days: 30, existing: LifecycleConfiguration(rules: []))
            .action == .put, "different bytes are different prefixes to S3")
    }

    @Test func twoRulesWithLfmaintsIDAreNotChosenBetween() {
        let twice = LifecycleConfiguration(rules: [
            LifecycleConfiguration.expiry(id: EventLifecyclePlanner.ruleID, prefix: "events/", days: 30),
            LifecycleConfiguration.expiry(id: EventLifecyclePlanner.ruleID, prefix: "x/", days: 1),
        ])
        #expect(EventLifecyclePlanner.plan(settings: settings(), bucket: "langfuse", days: 30, existing: twice)
            .action.description.contains("2 rules"))
    }

    @Test func aFullBucketGetsNoRuleInsteadOfLosingOne() {
        let full = LifecycleConfiguration(rules: (0..<1000).map { LifecycleConfiguration.expiry(id: "r\($0)", prefix: "p\($0)/", days: 1) })
        #expect(EventLifecyclePlanner.plan(settings: settings(), bucket: "langfuse", days: 30, existing: full)
            .action.description.contains("1000"))
    }

    @Test func digestsMatchTheirStandardVectors() {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(MD5.digest([])) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex(MD5.digest(Array("The quick brown fox jumps over the lazy dog".utf8))) == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(hex(MD5.digest(Array(String(repeating: "1234567890", count: 8).utf8))) == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000))
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func theS3SectionReadsAsLangfusesVariablesDoAndTheyWin() throws {
        let yaml = "s3: {bucket: lf-events, prefix: events/, endpoint: \"http://langfuse-s3:9000\", forcePathStyle: true, "
            + "mediaBucket: none}"
        let fromFile = try ConfigurationLoader.load(yaml: yaml).s3
        #expect(fromFile.bucket == "lf-events" && fromFile.prefix == "events/" && fromFile.forcePathStyle)
        #expect(fromFile.media == EventBucketSettings.Media.none && fromFile.protected.isEmpty)
        let overridden = try ConfigurationLoader.load(yaml: yaml, environment: ["LANGFUSE_S3_MEDIA_UPLOAD_BUCKET": "lf-events",
                                                                               "LANGFUSE_S3_MEDIA_UPLOAD_PREFIX": "media/"]).s3
        #expect(overridden.media == .at(.init(bucket: "lf-events", prefix: "media/")))
        #expect(throws: ConfigError.self) { try ConfigurationLoader.load(yaml: "s3: {bucket: x, unknown: 1}") }
        #expect(throws: ConfigError.self, "a prefix without its bucket") { try ConfigurationLoader.load(yaml: "s3: {mediaPrefix: media/}") }
    }

    @Test func theBucketIsReachedAsLangfuseReachesIt() throws {
        var environment = ["LANGFUSE_S3_EVENT_UPLOAD_BUCKET": "langfuse", "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID": "k",
                           "LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY": "s", "LANGFUSE_S3_EVENT_UPLOAD_REGION": "eu-west-1"]
        func url(_ changes: [String: String?] = [:]) throws -> String {
            var merged = environment
            for (name, value) in changes { merged[name] = value }
            return try S3LifecycleClient(config: ConfigurationLoader.load(yaml: "", environment: merged.compactMapValues { $0 })).url
        }
        #expect(try url() == "https://langfuse.s3.eu-west-1.amazonaws.com/?lifecycle=")
        #expect(try url(["LANGFUSE_S3_EVENT_UPLOAD_BUCKET": "lf.events"]) == "https://s3.eu-west-1.amazonaws.com/lf.events?lifecycle=",
                "a bucket with dots is path-style over https (no certificate covers it)")
        #expect(try url(["LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT": "http://10.0.0.5:9000"]) == "http://10.0.0.5:9000/langfuse?lifecycle=")
        #expect(try url(["LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT": "http://[::1]:9000"]) == "http://[::1]:9000/langfuse?lifecycle=")
        #expect(try url(["LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT": "http://minio.local:9000"]) == "http://langfuse.minio.local:9000/?lifecycle=")
        environment["LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT"] = "http://langfuse-s3:9000/"
        environment["LANGFUSE_S3_EVENT_UPLOAD_FORCE_PATH_STYLE"] = "true"
        #expect(try url() == "http://langfuse-s3:9000/langfuse?lifecycle=")
        #expect(throws: ConfigError.self, "no endpoint, and no region to find S3 by") {
            try url(["LANGFUSE_S3_EVENT_UPLOAD_REGION": "auto", "LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT": nil])
        }
        #expect(throws: ConfigError.self, "AWS's keys never go to a plain-http store") {
            try url(["LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID": nil, "LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY": nil,
                     "AWS_ACCESS_KEY_ID": "aws", "AWS_SECRET_ACCESS_KEY": "aws-secret"])
        }
        for (name, value) in [("LANGFUSE_S3_EVENT_UPLOAD_BUCKET", "Lang_fuse"), ("LANGFUSE_S3_EVENT_UPLOAD_BUCKET", "la\u{301}ngfuse"),
                              ("LANGFUSE_S3_EVENT_UPLOAD_FORCE_PATH_STYLE", "yes please"), ("LANGFUSE_S3_EVENT_UPLOAD_PREFIX", "events/\n"),
                              ("LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT", "ftp://x")] {
            #expect(throws: ConfigError.self, "\(name)=\(value)") { try url([name: value]) }
            let other = environment.merging([name: value]) { $1 }
            #expect(throws: Never.self, "other commands still load the config") {
                try ConfigurationLoader.load(yaml: "", environment: other)
            }
        }
    }
}
