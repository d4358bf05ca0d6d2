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
