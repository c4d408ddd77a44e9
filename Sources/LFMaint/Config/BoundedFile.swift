import Foundation

/// Reads a config or secret file, refusing what no such file is: a directory, a device or pipe
/// (`/dev/zero` would never end), more than 1 MiB, or text that is not UTF-8. Errors say which.
enum BoundedFile {
    static let maximumBytes = 1 << 20

    static func read(_ path: String) throws(ConfigError.Detail) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ConfigError.Detail(String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ConfigError.Detail("it is a directory, not a file")
        default: throw ConfigError.Detail("it is not a regular file")
        }
        guard info.st_size <= maximumBytes else { throw ConfigError.Detail("it holds \(info.st_size) bytes, more than the 1 MiB a config or secret file may") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ConfigError.Detail(String(cString: strerror(errno))) }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes else { throw ConfigError.Detail("it is larger than 1 MiB") }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError.Detail("it is not UTF-8 text") }
        return text
    }
}

extension ConfigError {
    /// Why a file could not be read, for a `ConfigError` that names the key and the path.
    struct Detail: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}
