import Foundation

/// The local files a command names (-f, -o, export, import). A file that cannot be read or written is the
/// user's mistake in the command, so it is a usage error (exit 2) naming the file.
enum LocalFile {
    static func read(_ path: String) throws(UsageError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return Array(data)
    }

    /// A file's text, or all of stdin when `path` is nil or "-".
    static func readText(_ path: String?) throws(UsageError) -> String {
        guard let path, path != "-" else {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        return String(decoding: try read(path), as: UTF8.self)
    }

    static func write(_ bytes: [UInt8], to path: String) throws(UsageError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw UsageError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func bytes(_ source: DataSource) throws(UsageError) -> [UInt8] {
        switch source {
        case .bytes(let bytes): return bytes
        case .file(let path): return try read(path)
        }
    }
}
