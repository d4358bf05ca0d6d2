import NIOCore
import ZKDataTree
import ZKJute
import ZKProtocol

/// Writes a fuzzy snapshot a thousand or so nodes at a time, so the server keeps serving between steps
/// (on its own thread: no locks, no copy of the tree). Transactions applied between steps may or may not
/// show in it; the snapshot is named by the zxid at its start and replaying the log from there repairs
/// the difference, as with Apache's fuzzy snapshots. Two rules keep that replay sound:
/// - a node created after the start (czxid above it) is left out with its subtree, so replay creates it;
/// - the ACL lists are fixed at the start; a node whose list changed since gets a placeholder that the
///   replayed setACL overwrites (its czxid shows it existed, so it is not re-created with that list).
public struct SnapshotSerializer {
    public let startZxid: Int64
    private let tree: DataTree
    private var buffer = ByteBuffer()
    private var stack: [String] = ["/"]
    private var references: [[ACL]: Int64] = [:]
    public private(set) var nodesWritten = 0

    public init(tree: DataTree, sessions: [(id: Int64, timeout: Int32)]) {
        self.tree = tree
        startZxid = tree.lastProcessedZxid
        buffer.writeJuteInt(SnapshotFormat.magic); buffer.writeJuteInt(SnapshotFormat.version); buffer.writeJuteLong(-1)
        buffer.writeJuteInt(Int32(sessions.count))
        for session in sessions { buffer.writeJuteLong(session.id); buffer.writeJuteInt(session.timeout) }
        var ordered: [[ACL]] = []
        for node in tree.nodes.values where node.acl != ACL.openACLUnsafe && references[node.acl] == nil {
            references[node.acl] = Int64(ordered.count + 1)
            ordered.append(node.acl)
        }
        buffer.writeJuteInt(Int32(ordered.count))
        for (index, acl) in ordered.enumerated() { buffer.writeJuteLong(Int64(index + 1)); buffer.writeJuteACLs(acl) }
    }

    /// Writes up to `budget` nodes; true when the walk is complete.
    public mutating func step(budget: Int) -> Bool {
        var written = 0
        while written < budget, let path = stack.popLast() {
            guard let node = tree.nodes[path] else { continue }  // deleted since it was queued
            if path != "/" && node.stat.czxid > startZxid { continue }
            let reference: Int64
            if node.acl == ACL.openACLUnsafe {
                reference = SnapshotFormat.openACLReference
            } else if let known = references[node.acl] {
                reference = known
            } else {
                reference = SnapshotFormat.openACLReference  // replaced by the replayed setACL
            }
            buffer.writeJuteString(path == "/" ? "" : path)
            buffer.writeJuteBuffer(node.data)
            buffer.writeJuteLong(reference)
            node.stat.encode(into: &buffer)
            for child in node.children { stack.append(ZNodePath.join(path, child)) }
            written += 1
        }
        nodesWritten += written
        return stack.isEmpty
    }

    /// The finished snapshot bytes, checksummed.
    public mutating func finish() -> ByteBuffer {
        buffer.writeJuteString("/")
        SnapshotFormat.seal(&buffer)
        return buffer
    }
}
