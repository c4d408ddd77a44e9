import Foundation

/// The repository's root, found from this file's place in it: tests read the shipped manifests, the SQL and
/// the local stack's scripts there.
enum Repository {
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    static func file(_ path: String) -> URL { root.appendingPathComponent(path) }
}
