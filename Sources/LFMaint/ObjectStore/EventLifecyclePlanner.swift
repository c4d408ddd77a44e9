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
    var prefix: String
    var days: Int
    /// lfmaint's rule as the bucket has it now; nil: none.
    var current: LifecycleConfiguration.Rule?
    var desired: LifecycleConfiguration.Rule
    /// The bucket's other rules, sent back unchanged.
    var kept: [LifecycleConfiguration.Rule]
    public var action: Action
    /// What a PUT sends: every rule the bucket has, lfmaint's in place of its old one (or last).
    var configuration: LifecycleConfiguration?
}

/// Pure: the same bucket configuration and settings always give the same plan.
enum EventLifecyclePlanner {
    /// The ID of the one rule lfmaint writes and may change.
    static let ruleID = "lfmaint-langfuse-events"

    /// `projects`: Langfuse's project IDs a rule might reach (`EventLifecycleGuard.projectIDs`); nil: not read.
    static func plan(settings: EventBucketSettings, bucket: String, days: Int, existing: LifecycleConfiguration,
                            projects: [String]? = nil) -> EventLifecyclePlan {
        let desired = LifecycleConfiguration.expiry(id: ruleID, prefix: settings.prefix, days: days)
        let ours = existing.rules.filter { $0.id == ruleID }
        var plan = EventLifecyclePlan(bucket: bucket, prefix: settings.prefix, days: days, current: ours.first, desired: desired,
                                      kept: existing.rules.filter { $0.id != ruleID }, action: .none, configuration: nil)
        if let reason = EventLifecycleGuard.refusal(prefix: settings.prefix, bucket: bucket, settings: settings, projects: projects) {
            plan.action = .refuse(reason)
            return plan
        }
        guard ours.count <= 1 else {
            plan.action = .refuse("the bucket has \(ours.count) rules with lfmaint's ID \(ruleID): lfmaint will not choose between them")
            return plan
        }
        if let current = ours.first, current.enabled, current.prefix.map({ S3Key.same($0, settings.prefix) }) == true,
           current.expirationDays == days {
            return plan
        }
        guard !ours.isEmpty || existing.rules.count < LifecycleConfiguration.limit else {
            plan.action = .refuse("the bucket has \(existing.rules.count) lifecycle rules, S3's most: lfmaint will not replace one")
            return plan
        }
        plan.action = .put
        plan.configuration = LifecycleConfiguration(rules: ours.isEmpty
                                                        ? existing.rules + [desired]
                                                        : existing.rules.map { $0.id == ruleID ? desired : $0 },
                                                    transitionDefaultMinimumObjectSize: existing.transitionDefaultMinimumObjectSize)
        return plan
    }
}

/// The check the PUT itself makes, apart from the planner: no rule lfmaint writes may expire media or
/// exports. A rule on prefix P matches every key that starts with P. In the same bucket it is refused
/// when it covers a protected prefix Q (Q starts with P). When P lies inside Q's keys (P starts with Q),
/// what follows Q decides: Langfuse names media `Q<project ID>/<file>` and exports
/// `Q<timestamp>-lf-…`, so a rule on `Q` + `events/` reaches only the media of a project whose ID is
/// `events` (Langfuse's own IDs never are: they are generated; an operator may choose one), and no export.
enum EventLifecycleGuard {
    /// The project IDs whose media a rule on `prefix` reaches inside media's keys: those equal to `start`
    /// (`exact`, the rule names a whole project folder) or starting with it.
    struct ProjectIDs: Sendable, Equatable {
        var start: String
        var exact: Bool

        init(start: String, exact: Bool) {
            self.start = start
            self.exact = exact
        }
    }

    /// Which project IDs a rule on `prefix` could reach; nil when it reaches no media beyond what
    /// `refusal` refuses anyway. The workflow reads those IDs from Langfuse's database.
    static func projectIDs(prefix: String, bucket: String, settings: EventBucketSettings) -> ProjectIDs? {
        guard case .at(let media)? = settings.media, media.bucket == bucket else { return nil }
        return projectIDs(prefix: prefix, inside: media)
    }

    /// Media's keys under `media.prefix` begin with a project ID and a slash: what of an ID follows the prefix.
    static func projectIDs(prefix: String, inside media: EventBucketSettings.Location) -> ProjectIDs? {
        guard S3Key.starts(prefix, with: media.prefix), !S3Key.same(prefix, media.prefix) else { return nil }
        let rest = S3Key.rest(of: prefix, after: media.prefix)
        let folder = rest.prefix { $0 != UInt8(ascii: "/") }
        return ProjectIDs(start: String(decoding: folder, as: UTF8.self), exact: folder.count < rest.count)
    }

    /// `projects`: Langfuse's project IDs that `projectIDs` names; nil when they could not be read.
    static func refusal(prefix: String, bucket: String, settings: EventBucketSettings, projects: [String]?) -> String? {
        guard settings.media != nil else {
            return "where Langfuse keeps media is not known, and a rule must never expire it: give LANGFUSE_S3_MEDIA_UPLOAD_BUCKET "
                + "and LANGFUSE_S3_MEDIA_UPLOAD_PREFIX as Langfuse has them (or s3.mediaBucket: none when it keeps no media)"
        }
        for (kind, location) in settings.protected where location.bucket == bucket {
            if S3Key.starts(location.prefix, with: prefix) {
                return "a rule on prefix \"\(prefix)\" in bucket \(bucket) would also expire \(kind.rawValue) "
                    + "(prefix \"\(location.prefix)\"). "
                    + "Langfuse's Helm chart writes events, media and exports unprefixed into one bucket unless told otherwise: "
                    + "give events a prefix of their own (chart value s3.eventUpload.prefix, "
                    + "LANGFUSE_S3_EVENT_UPLOAD_PREFIX, e.g. events/); "
                    + "events written before that keep their old keys and do not expire"
            }
            switch kind {
            case .exports:
                guard S3Key.starts(prefix, with: location.prefix),
                      let first = S3Key.rest(of: prefix, after: location.prefix).first,
                      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { continue }
                return "a rule on prefix \"\(prefix)\" would expire batch exports, whose keys under \"\(location.prefix)\" "
                    + "begin with a timestamp"
            case .media:
                guard let ids = projectIDs(prefix: prefix, inside: location) else { continue }
                guard let projects else {
                    return "media in bucket \(bucket) lies under \"\(location.prefix)\" as <project ID>/<file>: a rule on \"\(prefix)\" "
                        + "would expire the media of a project whose ID \(ids.exact ? "is" : "starts with") \"\(ids.start)\". "
                        + "lfmaint rules that out from Langfuse's database (its projects table): set DATABASE_URL"
                }
                let reached = projects.filter { ids.exact ? S3Key.same($0, ids.start) : S3Key.starts($0, with: ids.start) }
                if !reached.isEmpty {
                    let names = reached.sorted().joined(separator: ", ")
                    return "a rule on prefix \"\(prefix)\" would expire the media of project(s) \(names), "
                        + "whose media lies under \"\(location.prefix)\(ids.start)\(ids.exact ? "/" : "")\""
                }
            }
        }
        return nil
    }

    /// Checks the document a PUT would send, read back from its XML, against the configuration it replaces:
    /// exactly one rule of lfmaint's, on a prefix `refusal` allows, and every other rule sent back byte for byte.
    static func check(_ configuration: LifecycleConfiguration, replacing existing: LifecycleConfiguration, bucket: String,
                             settings: EventBucketSettings, projects: [String]?) throws {
        let sent = try LifecycleConfiguration.parse(configuration.xml)
        let ours = sent.rules.filter { $0.id == EventLifecyclePlanner.ruleID }
        guard ours.count == 1, let prefix = ours[0].prefix else {
            throw EventLifecycleError.refused("the document to send holds \(ours.count) rules of lfmaint's, "
                + "or one whose filter is not a prefix")
        }
        let others = sent.rules.filter { $0.id != EventLifecyclePlanner.ruleID }.map { Array($0.xml.utf8) }
        guard others == existing.rules.filter({ $0.id != EventLifecyclePlanner.ruleID }).map({ Array($0.xml.utf8) }) else {
            throw EventLifecycleError.refused("the document to send would change or drop rules lfmaint did not write")
        }
        if let reason = refusal(prefix: prefix, bucket: bucket, settings: settings, projects: projects) {
            throw EventLifecycleError.refused(reason)
        }
    }
}

enum EventLifecycleError: Error, Equatable, CustomStringConvertible {
    case refused(String)
    case store(String)
    case notVerified(String)

    var description: String {
        switch self {
        case .refused(let detail): "refused: \(detail)"
        case .store(let detail): detail
        case .notVerified(let detail): "the bucket's lifecycle configuration did not read back as put: \(detail)"
        }
    }
}
