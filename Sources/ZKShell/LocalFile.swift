#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local files a command names (-f, -o, export, import) and edit's temporary file. A file that cannot be
/// read or written is the user's mistake in the command, so it is a usage error (exit 2) naming the file.
enum LocalFile {
    static func read(_ path: String) throws(UsageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UsageError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try readAll(fd, name: path)
    }

    static func readAll(_ fd: Int32, name: String) throws(UsageError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw UsageError("cannot read \(name): \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// A file's text, or all of stdin when `path` is nil or "-".
    static func readText(_ path: String?) throws(UsageError) -> String {
        guard let path, path != "-" else { return String(decoding: try readAll(STDIN_FILENO, name: "stdin"), as: UTF8.self) }
        return String(decoding: try read(path), as: UTF8.self)
    }

    /// Writes through the path: a symlink's target, a FIFO's reader or a device gets the bytes, and the path
    /// itself is never replaced (no temporary file renamed over it).
    static func write(_ bytes: [UInt8], to path: String) throws(UsageError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw UsageError("cannot write \(path): \(String(cString: strerror(errno)))") }
        var rest = bytes[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw UsageError("cannot write \(path): \(reason)")
            }
            rest = rest.dropFirst(written)
        }
        guard close(fd) == 0 || errno == EINTR else { throw UsageError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    static func bytes(_ source: DataSource) throws(UsageError) -> [UInt8] {
        switch source {
        case .bytes(let bytes): return bytes
        case .file(let path): return try read(path)
        }
    }

    /// A new private file in $TMPDIR holding `contents`; its name ends with the node's name, so an editor
    /// can pick a syntax from it.
    static func temporary(named name: String, contents: [UInt8]) throws(UsageError) -> String {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let safe = String(name.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil || ".-_".unicodeScalars.contains($0) })
        var template = Array("\(directory)/zkcli-edit-XXXXXX-\(safe.isEmpty ? "data" : safe)".utf8CString)
        let suffix = Int32(safe.isEmpty ? 5 : safe.utf8.count + 1)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, suffix) }
        guard fd >= 0 else { throw UsageError("cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))") }
        close(fd)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        try write(contents, to: path)
        return path
    }

    static func remove(_ path: String) { unlink(path) }

    /// $VISUAL, else $EDITOR, else vi, run through sh on the terminal; a failing editor saves nothing.
    static func runEditor(on file: String) throws(UsageError) {
        let names: [String] = ["VISUAL", "EDITOR"]
        let editor = names.compactMap { name in getenv(name).map { String(cString: $0) } }.first { !$0.isEmpty } ?? "vi"
        let quoted = "'" + file.replacingAll("'", with: "'\\''") + "'"
        let status = system("\(editor) \(quoted)")
        guard status == 0 else {
            throw UsageError("edit: \(editor) exited with status \(status >> 8); nothing saved, the data is in \(file)")
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
