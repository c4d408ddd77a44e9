/// What `s3 plan` shows and `s3 apply` does: the bucket's rules, with lfmaint's one rule (expire the
/// events prefix after `retention.appDays`) added or mended, every other rule kept as it was.
public struct EventLifecyclePlan: Sendable, Equatable {
    public enum Action: Sendable, Equatable, CustomStringConvertible {
        case none
        case put
        case refuse(String)

        public var description: String {
            switch self {
            case .none: "none"
            case .put: "put"
            case .refuse(let reason): "refuse: \(reason)"
            }
        }
    }

    public var bucket: String
    public var prefix: String
    public var days: Int
    /// lfmaint's rule as the bucket has it now; nil: none.
    public var current: LifecycleConfiguration.Rule?
    public var desired: LifecycleConfiguration.Rule
    /// The bucket's other rules, sent back unchanged.
    public var kept: [LifecycleConfiguration.Rule]
    public var action: Action
    /// What a PUT sends: every rule the bucket has, lfmaint's in place of its old one (or last).
    public var configuration: LifecycleConfiguration?
}

/// Pure: the same bucket configuration and settings always give the same plan.
public enum EventLifecyclePlanner {
    /// The ID of the one rule lfmaint writes and may change.
    public static let ruleID = "lfmaint-langfuse-events"

    /// `projects`: Langfuse's project IDs a rule might reach (`EventLifecycleGuard.projectIDStart`); nil: not read.
    public static func plan(settings: EventBucketSettings, bucket: String, days: Int, existing: LifecycleConfiguration,
                            projects: [String]? = nil) -> EventLifecyclePlan {
        let desired = LifecycleConfiguration.expiry(id: ruleID, prefix: settings.prefix, days: days)
        let current = existing.rules.first { $0.id == ruleID }
        var plan = EventLifecyclePlan(bucket: bucket, prefix: settings.prefix, days: days, current: current, desired: desired,
                                      kept: existing.rules.filter { $0.id != ruleID }, action: .none, configuration: nil)
        if let reason = EventLifecycleGuard.refusal(prefix: settings.prefix, bucket: bucket, settings: settings, projects: projects) {
            plan.action = .refuse(reason)
            return plan
        }
        if let current, current.enabled, current.prefix == settings.prefix, current.expirationDays == days { return plan }
        guard current != nil || existing.rules.count < LifecycleConfiguration.limit else {
            plan.action = .refuse("the bucket has \(existing.rules.count) lifecycle rules, S3's most: lfmaint will not replace one")
            return plan
        }
        plan.action = .put
        plan.configuration = LifecycleConfiguration(rules: existing.rules.contains { $0.id == ruleID }
            ? existing.rules.map { $0.id == ruleID ? desired : $0 }
            : existing.rules + [desired])
        return plan
    }
}

/// The check the PUT itself makes, apart from the planner: no rule lfmaint writes may expire media or
/// exports. A rule on prefix P matches every key that starts with P. In the same bucket it is refused
/// when it covers a protected prefix Q (Q starts with P). When P lies inside Q's keys (P starts with Q),
/// what follows Q decides: Langfuse names media `Q<project ID>/<file>` and exports
/// `Q<timestamp>-lf-…`, so a rule on `Q` + `events/` reaches only the media of a project whose ID is
/// `events` (Langfuse's own IDs never are: they are generated; an operator may choose one), and no export.
public enum EventLifecycleGuard {
    /// The start of the project IDs whose media a rule on `prefix` would reach; nil when it reaches no media
    /// beyond what `refusal` refuses anyway. The workflow reads those IDs from Langfuse's database.
    public static func projectIDStart(prefix: String, bucket: String, settings: EventBucketSettings) -> String? {
        guard case .at(let media)? = settings.media, media.bucket == bucket, prefix.hasPrefix(media.prefix), prefix != media.prefix else {
            return nil
        }
        let rest = prefix.dropFirst(media.prefix.count)
        return String(rest.prefix { $0 != "/" })
    }

    /// `projects`: Langfuse's project IDs that start with `projectIDStart`; nil when they could not be read.
    public static func refusal(prefix: String, bucket: String, settings: EventBucketSettings, projects: [String]?) -> String? {
        guard settings.media != nil else {
            return "where Langfuse keeps media is not known, and a rule must never expire it: give LANGFUSE_S3_MEDIA_UPLOAD_BUCKET "
                + "and LANGFUSE_S3_MEDIA_UPLOAD_PREFIX as Langfuse has them (or s3.mediaBucket: none when it keeps no media)"
        }
        for (what, location) in settings.protected where location.bucket == bucket {
            if location.prefix.hasPrefix(prefix) {
                return "a rule on prefix \"\(prefix)\" in bucket \(bucket) would also expire \(what) (prefix \"\(location.prefix)\"). "
                    + "Langfuse's Helm chart writes events, media and exports unprefixed into one bucket unless told otherwise: "
                    + "give events a prefix of their own (chart value s3.eventUpload.prefix, LANGFUSE_S3_EVENT_UPLOAD_PREFIX, e.g. events/); "
                    + "events written before that keep their old keys and do not expire"
            }
            guard prefix.hasPrefix(location.prefix) else { continue }
            let rest = prefix.dropFirst(location.prefix.count)
            if what == EventBucketSettings.exportsName {
                if rest.first?.isNumber == true {
                    return "a rule on prefix \"\(prefix)\" would expire batch exports, whose keys under \"\(location.prefix)\" begin with a timestamp"
                }
                continue
            }
            let start = String(rest.prefix { $0 != "/" })
            let exact = rest.contains("/")
            guard let projects else {
                return "media in bucket \(bucket) lies under \"\(location.prefix)\" as <project ID>/<file>: a rule on \"\(prefix)\" would "
                    + "expire the media of a project whose ID \(exact ? "is" : "starts with") \"\(start)\". lfmaint rules that out from "
                    + "Langfuse's database (its projects table): set DATABASE_URL"
            }
            let reached = projects.filter { exact ? $0 == start : $0.hasPrefix(start) }
            if !reached.isEmpty {
                return "a rule on prefix \"\(prefix)\" would expire the media of project(s) \(reached.sorted().joined(separator: ", ")), "
                    + "whose media lies under \"\(location.prefix)\(start)\(exact ? "/" : "")\""
            }
        }
        return nil
    }

    /// Checks the document a PUT would send: lfmaint's rule, read back from the XML, must pass `refusal`.
    public static func check(_ configuration: LifecycleConfiguration, bucket: String, settings: EventBucketSettings, projects: [String]?) throws {
        let sent = try LifecycleConfiguration.parse(configuration.xml)
        guard sent.rules.count == configuration.rules.count else {
            throw EventLifecycleError.refused("the document to send does not read back as the rules planned")
        }
        for rule in sent.rules where rule.id == EventLifecyclePlanner.ruleID {
            guard let prefix = rule.prefix else { throw EventLifecycleError.refused("lfmaint's rule has a filter other than a prefix") }
            if let reason = refusal(prefix: prefix, bucket: bucket, settings: settings, projects: projects) {
                throw EventLifecycleError.refused(reason)
            }
        }
    }
}

public enum EventLifecycleError: Error, Equatable, CustomStringConvertible {
    case refused(String)
    case store(String)
    case notVerified(String)

    public var description: String {
        switch self {
        case .refused(let detail): "refused: \(detail)"
        case .store(let detail): detail
        case .notVerified(let detail): "the bucket's lifecycle configuration did not read back as put: \(detail)"
        }
    }
}
