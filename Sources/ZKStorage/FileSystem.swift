#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Thin POSIX helpers shared by the log and snapshot stores.
public enum FileSystem {
    public static func makeDirectory(_ path: String) throws {
        var current = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw LogFileWriter.IOError(operation: "mkdir", path: current, code: errno)
            }
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw LogFileWriter.IOError(operation: "write", path: path, code: errno)
            }
            done += n
        }
    }

    public static func syncDirectory(_ path: String) throws {
        let dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw LogFileWriter.IOError(operation: "open", path: path, code: errno) }
        defer { close(dfd) }
        guard fsync(dfd) == 0 else { throw LogFileWriter.IOError(operation: "fsync", path: path, code: errno) }
    }

    public static func readFile(_ path: String) throws -> ByteBuffer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LogFileWriter.IOError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw LogFileWriter.IOError(operation: "stat", path: path, code: errno) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Int(st.st_size))
        var offset = 0
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Int(st.st_size)) { raw in
            while offset < Int(st.st_size) {
                let n = pread(fd, raw.baseAddress! + offset, Int(st.st_size) - offset, off_t(offset))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw LogFileWriter.IOError(operation: "read", path: path, code: errno)
                }
                if n == 0 { break }
                offset += n
            }
            return offset
        }
        return buffer
    }

    /// Writes a whole file durably: to a temporary name, fsync, rename, fsync the directory.
    public static func writeFileAtomically(_ path: String, directory: String, _ bytes: ByteBuffer) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LogFileWriter.IOError(operation: "create", path: temporary, code: errno) }
        do {
            try bytes.withUnsafeReadableBytes { try writeAll(fd, $0, at: 0, path: temporary) }
            guard fsync(fd) == 0 else { throw LogFileWriter.IOError(operation: "fsync", path: temporary, code: errno) }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw LogFileWriter.IOError(operation: "rename", path: path, code: errno) }
        try syncDirectory(directory)
    }

    public static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public static func truncate(_ path: String, to length: Int) throws {
        guard Glibc.truncate(path, off_t(length)) == 0 else { throw LogFileWriter.IOError(operation: "truncate", path: path, code: errno) }
    }

    public static func remove(_ path: String) { unlink(path) }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func size(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }
}
