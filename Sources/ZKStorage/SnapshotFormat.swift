import NIOCore
import ZKDataTree
import ZKJute
import ZKProtocol

/// Apache's snapshot format (FileSnap + SerializeUtils + DataTree.serialize), so a data dir moves between
/// zkserver and Apache ZooKeeper: FileHeader {"ZKSN", 2, dbid -1}; int session count, {long id, int timeout}…;
/// the ACL cache {int count, {long ref, vector<ACL>}…}; nodes depth-first from the root (written as "")
/// as {ustring path, buffer data, long aclRef, StatPersisted}; the path "/" as terminator; then the
/// Adler32 of everything before it as a long and "/" again. Apache 3.6+ may append a digest after that,
/// which a reader may ignore.
public enum SnapshotFormat {
    public static let magic: Int32 = 0x5A4B_534E  // "ZKSN"
    public static let version: Int32 = 2
    /// ReferenceCountedACLCache's id for OPEN_ACL_UNSAFE, which never appears in the map.
    static let openACLReference: Int64 = -1

    public static func fileName(zxid: Int64) -> String { "snapshot." + String(zxid, radix: 16) }

    /// What a snapshot holds: the nodes, already linked to their children, and the sessions.
    public struct Contents {
        public var sessions: [(id: Int64, timeout: Int32)]
        public var nodes: [String: ZNode]
    }

    public enum FormatError: Error, CustomStringConvertible, Equatable {
        case badMagic, badVersion(Int32), checksumMismatch(expected: Int64, actual: Int64), truncated(String), missingParent(String)
        public var description: String {
            switch self {
            case .badMagic: return "not a snapshot (bad magic)"
            case .badVersion(let v): return "unsupported snapshot version \(v)"
            case .checksumMismatch(let e, let a): return "checksum mismatch (stored \(e), computed \(a))"
            case .truncated(let what): return "truncated at \(what)"
            case .missingParent(let path): return "node \(path) has no parent in the snapshot"
            }
        }
    }

    /// Serializes the whole tree at once (tests and tools; the server serializes its capture off the event loop).
    public static func serialize(tree: DataTree, sessions: [(id: Int64, timeout: Int32)], into b: inout ByteBuffer) {
        b.writeImmutableBuffer(SnapshotCapture(tree: tree, sessions: sessions).serialize())
    }

    /// The checksum and trailer that close a snapshot: the Adler32 of everything before, then "/".
    static func seal(_ b: inout ByteBuffer) {
        let crc = b.withUnsafeReadableBytes { all -> UInt32 in
            var adler = Adler32()
            adler.update(all)
            return adler.value
        }
        b.writeJuteLong(Int64(crc))
        b.writeJuteString("/")
    }

    public static func deserialize(_ bytes: ByteBuffer) throws -> Contents {
        var b = bytes
        // The description is built only on failure: this runs three times per node.
        func need<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch { throw FormatError.truncated(what()) }
        }
        guard (try? b.readJuteInt()) == magic else { throw FormatError.badMagic }
        let v = try need("version") { try b.readJuteInt() }
        guard v == version else { throw FormatError.badVersion(v) }
        _ = try need("dbid") { try b.readJuteLong() }
        let sessionCount = try need("session count") { try b.readJuteInt() }
        guard sessionCount >= 0, Int(sessionCount) <= b.readableBytes / 12 else { throw FormatError.truncated("sessions") }
        var sessions: [(id: Int64, timeout: Int32)] = []
        for _ in 0..<sessionCount {
            let id = try need("session") { try b.readJuteLong() }
            let timeout = try need("session") { try b.readJuteInt() }
            sessions.append((id, timeout))
        }
        let aclCount = try need("acl cache") { try b.readJuteInt() }
        guard aclCount >= 0, Int(aclCount) <= b.readableBytes / 12 else { throw FormatError.truncated("acl cache") }
        var acls: [Int64: [ACL]] = [openACLReference: ACL.openACLUnsafe]
        for _ in 0..<aclCount {
            let reference = try need("acl cache") { try b.readJuteLong() }
            acls[reference] = try need("acl cache") { try b.readJuteACLs() }
        }
        // Nodes come depth first; the builder links each to its parent as it comes.
        var builder = DataTreeBuilder(expectedCount: b.readableBytes / 160)
        while true {
            let raw = try need("node path") { try b.readJuteString() }
            if raw == "/" { break }
            let path = raw.isEmpty ? "/" : raw
            let data = try need("data of \(path)") { try b.readJuteOptionalBuffer() }
            let reference = try need("acl of \(path)") { try b.readJuteLong() }
            let stat = try need("stat of \(path)") { try StatPersisted(from: &b) }
            do {
                try builder.add(path: path, data: data, acl: acls[reference] ?? ACL.openACLUnsafe, stat: stat)
            } catch {
                throw FormatError.missingParent(path)
            }
        }
        let nodes = builder.nodes
        let checked = bytes.readableBytes - b.readableBytes
        let computed = bytes.withUnsafeReadableBytes { all -> UInt32 in
            var adler = Adler32()
            adler.update(UnsafeRawBufferPointer(rebasing: all[0..<checked]))
            return adler.value
        }
        let stored = try need("checksum") { try b.readJuteLong() }
        guard stored == Int64(computed) else { throw FormatError.checksumMismatch(expected: stored, actual: Int64(computed)) }
        return Contents(sessions: sessions, nodes: nodes)
    }
}
