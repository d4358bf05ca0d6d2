#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The transaction log on disk: appends to the current `log.<zxid>` file, preallocating it in large
/// steps so that an fsync rarely has to write file-size metadata, and starts a new file on `roll()`.
/// Not thread-safe: one writer thread owns it.
/// Sendable because exactly one thread (the log thread) ever touches it.
public final class LogFileWriter: @unchecked Sendable {
    public let directory: String
    public let forceSync: Bool
    let preallocationStep: Int
    private var fd: Int32 = -1
    private var position = 0
    private var allocated = 0
    public private(set) var currentFileName: String?

    public struct IOError: Error, CustomStringConvertible {
        public var operation: String
        public var path: String
        public var code: Int32
        public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    public init(directory: String, forceSync: Bool = true, preallocationStep: Int = 64 << 20) throws {
        self.directory = directory
        self.forceSync = forceSync
        self.preallocationStep = preallocationStep
        try FileSystem.makeDirectory(directory)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends encoded entries whose first transaction has `firstZxid`, opening a new file if none is open.
    public func append(_ entries: ByteBuffer, firstZxid: Int64) throws {
        if fd < 0 { try open(firstZxid: firstZxid) }
        let needed = position + entries.readableBytes
        if needed > allocated {
            allocated = max(needed, allocated + preallocationStep)
            guard ftruncate(fd, off_t(allocated)) == 0 else { throw IOError(operation: "preallocate", path: path, code: errno) }
        }
        try entries.withUnsafeReadableBytes { bytes in
            try FileSystem.writeAll(fd, bytes, at: position, path: path)
        }
        position += entries.readableBytes
    }

    /// Makes everything appended so far durable (skipped with forceSync=no, as Apache's forceSync).
    public func sync() throws {
        guard fd >= 0, forceSync else { return }
        guard fdatasync(fd) == 0 else { throw IOError(operation: "fdatasync", path: path, code: errno) }
    }

    /// Closes the current file; the next append starts `log.<its first zxid>`.
    public func roll() throws {
        guard fd >= 0 else { return }
        try sync()
        close(fd)
        fd = -1
        currentFileName = nil
    }

    private var path: String { directory + "/" + (currentFileName ?? "?") }

    private func open(firstZxid: Int64) throws {
        let name = TxnLogFormat.fileName(firstZxid: firstZxid)
        currentFileName = name
        fd = Glibc.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError(operation: "create", path: path, code: errno) }
        var header = ByteBuffer()
        TxnLogFormat.writeHeader(into: &header)
        allocated = preallocationStep
        guard ftruncate(fd, off_t(allocated)) == 0 else { throw IOError(operation: "preallocate", path: path, code: errno) }
        try header.withUnsafeReadableBytes { try FileSystem.writeAll(fd, $0, at: 0, path: path) }
        position = header.readableBytes
        // The new name must survive a power cut before any entry in it is acknowledged.
        if forceSync {
            guard fsync(fd) == 0 else { throw IOError(operation: "fsync", path: path, code: errno) }
            try FileSystem.syncDirectory(directory)
        }
    }
}

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
