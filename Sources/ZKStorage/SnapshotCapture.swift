import NIOCore
import ZKDataTree
import ZKJute
import ZKProtocol

/// A snapshot in two halves, so that the server's event loop only pays for the first:
/// `init` copies every node's fields in one pass over the tree (data and ACL arrays are shared
/// copy-on-write, paths are the tree's own keys: no hashing, no serializing), and `serialize()` turns
/// them into Apache's snapshot format on any thread. The copy is exact at `zxid`, so, unlike Apache's
/// fuzzy snapshots, its content does not depend on the log replayed after it.
public struct SnapshotCapture: Sendable {
    public let zxid: Int64
    private let sessions: [SessionEntry]
    private let entries: [Entry]

    struct SessionEntry: Sendable { var id: Int64; var timeout: Int32 }
    struct Entry: Sendable {
        var path: String
        var data: [UInt8]?
        var acl: [ACL]
        var stat: StatPersisted
    }

    public init(tree: DataTree, sessions: [(id: Int64, timeout: Int32)]) {
        zxid = tree.lastProcessedZxid
        self.sessions = sessions.map { SessionEntry(id: $0.id, timeout: $0.timeout) }
        var entries: [Entry] = []
        entries.reserveCapacity(tree.nodes.count)
        for (path, node) in tree.nodes {
            entries.append(Entry(path: path, data: node.data, acl: node.acl, stat: node.stat))
        }
        self.entries = entries
    }

    public var nodeCount: Int { entries.count }

    /// The snapshot file's bytes, checksummed. Nodes are written depth first (each parent before its
    /// children, as Apache's loader and ours need), ACL lists once each in the cache before them.
    public func serialize() -> ByteBuffer {
        let ordered = depthFirstOrder()
        var references: [[ACL]: Int64] = [:]
        var lists: [[ACL]] = []
        for i in ordered where entries[i].acl != ACL.openACLUnsafe && references[entries[i].acl] == nil {
            lists.append(entries[i].acl)
            references[entries[i].acl] = Int64(lists.count)
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 + ordered.count * 96)
        buffer.writeJuteInt(SnapshotFormat.magic); buffer.writeJuteInt(SnapshotFormat.version); buffer.writeJuteLong(-1)
        buffer.writeJuteInt(Int32(sessions.count))
        for session in sessions { buffer.writeJuteLong(session.id); buffer.writeJuteInt(session.timeout) }
        buffer.writeJuteInt(Int32(lists.count))
        for (index, acl) in lists.enumerated() { buffer.writeJuteLong(Int64(index + 1)); buffer.writeJuteACLs(acl) }
        for i in ordered {
            let entry = entries[i]
            buffer.writeJuteString(entry.path == "/" ? "" : entry.path)
            buffer.writeJuteBuffer(entry.data)
            buffer.writeJuteLong(entry.acl == ACL.openACLUnsafe ? SnapshotFormat.openACLReference : references[entry.acl]!)
            entry.stat.encode(into: &buffer)
        }
        buffer.writeJuteString("/")
        SnapshotFormat.seal(&buffer)
        return buffer
    }

    /// Indexes of `entries` in a depth-first walk from the root. The children lists are rebuilt here from
    /// the paths rather than copied with the nodes: that keeps the capture on the event loop shorter.
    func depthFirstOrder() -> [Int] {
        var index: [Substring: Int] = [:]
        index.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() { index[Substring(entry.path)] = i }
        var firstChild = [Int](repeating: -1, count: entries.count)
        var nextSibling = [Int](repeating: -1, count: entries.count)
        var root = -1
        for (i, entry) in entries.enumerated() {
            let path = entry.path
            guard path != "/", let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { root = i; continue }
            let parentPath = slash == path.startIndex ? Substring("/") : path[..<slash]
            guard let parent = index[parentPath] else { continue }  // cannot happen in a tree copied whole
            nextSibling[i] = firstChild[parent]
            firstChild[parent] = i
        }
        var order: [Int] = []
        order.reserveCapacity(entries.count)
        var stack: [Int] = root >= 0 ? [root] : []
        while let i = stack.popLast() {
            order.append(i)
            var child = firstChild[i]
            while child >= 0 { stack.append(child); child = nextSibling[child] }
        }
        return order
    }

    func depthFirstPaths() -> [String] { depthFirstOrder().map { entries[$0].path } }
}
