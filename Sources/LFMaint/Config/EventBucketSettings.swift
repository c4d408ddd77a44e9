import Foundation
import LFMaintSupport

/// The `s3` section: the bucket Langfuse writes every raw event to, which nothing expires, and the
/// objects no rule may touch. Read from Langfuse's own variables (LANGFUSE_S3_EVENT_UPLOAD_*,
/// LANGFUSE_S3_MEDIA_UPLOAD_*, LANGFUSE_S3_BATCH_EXPORT_*), so it works against MinIO and S3 alike.
/// Validated when a command uses the bucket (`S3LifecycleClient`), not when the config loads: Langfuse's
/// variables are mounted as they are, and an odd one must not stop `sample` or `cleanup`.
public struct EventBucketSettings: Sendable, Equatable {
    public var bucket: String?
    var prefix = ""
    /// nil: AWS S3 in `region`.
    var endpoint: String?
    var region: String?
    var accessKeyID: String?
    var secretAccessKey: Secret?
    /// `https://endpoint/bucket` (MinIO) rather than `https://bucket.endpoint`.
    var forcePathStyle = false
    /// Where Langfuse keeps media. nil: not known, and then no rule is put; `none`: Langfuse keeps no media.
    var media: Media?
    /// Batch exports, when Langfuse has a bucket for them (they are off unless LANGFUSE_S3_BATCH_EXPORT_ENABLED).
    var exports: Location?
    /// A `…_FORCE_PATH_STYLE` that is neither true nor false, refused by `validate`.
    var unreadableForcePathStyle: String?

    enum Media: Sendable, Equatable {
        case none
        case at(Location)
    }

    struct Location: Sendable, Equatable {
        var bucket: String
        var prefix: String

        init(bucket: String, prefix: String) {
            self.bucket = bucket
            self.prefix = prefix
        }
    }

    init() {}

    /// What Langfuse keeps beside its events that no rule may expire; each names its keys its own way.
    enum Protected: String, Sendable {
        /// `<prefix><project ID>/<media ID>.<ext>`
        case media
        /// `<prefix><timestamp>-lf-<table>-export-<project ID>.<ext>`
        case exports = "batch exports"
    }

    /// The objects no lifecycle rule of lfmaint's may match, by what they are.
    var protected: [(kind: Protected, location: Location)] {
        var list: [(Protected, Location)] = []
        if case .at(let media)? = media { list.append((.media, media)) }
        if let exports { list.append((.exports, exports)) }
        return list
    }

    static func read(_ section: inout YAMLSection) throws -> EventBucketSettings {
        var settings = EventBucketSettings()
        settings.bucket = try section.string("bucket")
        if let value = try section.string("prefix") { settings.prefix = value }
        settings.endpoint = try section.string("endpoint")
        settings.region = try section.string("region")
        if let value = try section.bool("forcePathStyle") { settings.forcePathStyle = value }
        let (mediaBucket, mediaPrefix) = (try section.string("mediaBucket"), try section.string("mediaPrefix"))
        let (exportBucket, exportPrefix) = (try section.string("exportBucket"), try section.string("exportPrefix"))
        for (prefix, bucket, key) in [(mediaPrefix, mediaBucket, "mediaPrefix"), (exportPrefix, exportBucket, "exportPrefix")]
        where prefix != nil && bucket == nil {
            let bucketKey = key.replacingOccurrences(of: "Prefix", with: "Bucket")
            throw ConfigError(key: section.keyPath(key), "names no bucket: give \(bucketKey) too")
        }
        if let mediaBucket {
            settings.media = mediaBucket == "none" ? Media.none : .at(Location(bucket: mediaBucket, prefix: mediaPrefix ?? ""))
        }
        if let exportBucket { settings.exports = Location(bucket: exportBucket, prefix: exportPrefix ?? "") }
        try section.finish()
        return settings
    }

    mutating func apply(environment value: (String) -> String?) {
        let event = "LANGFUSE_S3_EVENT_UPLOAD_"
        if let bucket = value(event + "BUCKET") { self.bucket = bucket }
        if let prefix = value(event + "PREFIX") { self.prefix = prefix }
        if let endpoint = value(event + "ENDPOINT") { self.endpoint = endpoint }
        if let region = value(event + "REGION") { self.region = region }
        if let key = value(event + "ACCESS_KEY_ID") { accessKeyID = key }
        if let secret = value(event + "SECRET_ACCESS_KEY") { secretAccessKey = Secret(secret) }
        if let text = value(event + "FORCE_PATH_STYLE") {
            forcePathStyle = text.lowercased() == "true"
            unreadableForcePathStyle = ["true", "false"].contains(text.lowercased()) ? nil : text
        }
        if let bucket = value("LANGFUSE_S3_MEDIA_UPLOAD_BUCKET") {
            media = .at(Location(bucket: bucket, prefix: value("LANGFUSE_S3_MEDIA_UPLOAD_PREFIX") ?? ""))
        }
        if let bucket = value("LANGFUSE_S3_BATCH_EXPORT_BUCKET") {
            exports = Location(bucket: bucket, prefix: value("LANGFUSE_S3_BATCH_EXPORT_PREFIX") ?? "")
        }
    }

    static let secretVariables = ["LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY"]

    func validate() throws {
        if let text = unreadableForcePathStyle {
            throw ConfigError(key: "LANGFUSE_S3_EVENT_UPLOAD_FORCE_PATH_STYLE", "expected true or false, got \"\(text.prefix(40))\"")
        }
        let buckets = [("s3.bucket (LANGFUSE_S3_EVENT_UPLOAD_BUCKET)", bucket)]
            + protected.map { ("s3 \($0.kind.rawValue) bucket", $0.location.bucket as String?) }
        for (key, name) in buckets {
            if let name, !Self.isBucketName(name) {
                throw ConfigError(key: key, "\"\(name)\" is not a bucket name (3–63 lower-case letters, digits, dots and hyphens)")
            }
        }
        let prefixes = [("s3.prefix (LANGFUSE_S3_EVENT_UPLOAD_PREFIX)", prefix)]
            + protected.map { ("s3 \($0.kind.rawValue) prefix", $0.location.prefix) }
        for (key, prefix) in prefixes {
            guard prefix.utf8.count <= 1024, !prefix.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ConfigError(key: key, "must be at most 1,024 bytes without control characters")
            }
        }
        if let endpoint { try ConfigValidation.httpURL(endpoint, key: "s3.endpoint (LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT)") }
        let regionCharacters = { (character: Character) in
            character.isASCII && (character.isLowercase || character.isNumber || character == "-")
        }
        if let region, region.isEmpty || region.count > 64 || !region.allSatisfy(regionCharacters) {
            throw ConfigError(key: "s3.region (LANGFUSE_S3_EVENT_UPLOAD_REGION)", "\"\(region)\" is not a region name")
        }
        if (accessKeyID == nil) != (secretAccessKey == nil) {
            throw ConfigError(key: "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID",
                              "and LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY go together: one is missing")
        }
    }

    /// S3's rule for bucket names (MinIO's is the same).
    static func isBucketName(_ name: String) -> Bool {
        let allowed = name.allSatisfy { $0.isASCII && (("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-") }
        let ends = [name.first, name.last].allSatisfy { $0.map { $0 != "." && $0 != "-" } == true }
        return (3...63).contains(name.count) && allowed && ends && !name.contains("..")
    }
}
