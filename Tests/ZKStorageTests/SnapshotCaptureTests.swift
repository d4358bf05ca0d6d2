import NIOCore
import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKStorage

/// A snapshot is the tree as it was when captured, however the tree moves on while the capture is
/// serialized; with the log after its zxid it rebuilds exactly the live tree.
@Suite struct SnapshotCaptureTests {
    struct NoWatches: WatchSink { mutating func deliver(_ event: WatcherEvent, to watcher: WatcherID) {} }

    /// Deterministic mixed workload of transactions valid for the tree as it stands (as the server's
    /// preparation guarantees): creates under existing parents, changes, ACL changes, deletes of leaves.
    struct Workload {
        var rng: UInt64
        var zxid: Int64
        mutating func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }

        mutating func nextTxn(for tree: DataTree) -> Transaction {
            zxid += 1
            let acls = [ACL.openACLUnsafe, ACL.readACLUnsafe, [ACL(perms: .all, id: Id(scheme: "digest", id: "u\(next(3)):x"))]]
            let top = "/n\(next(20))"
            let path = next(2) == 0 || tree.node(top) == nil ? top : top + "/c\(next(5))"
            let i = Int(zxid)
            let body: TxnBody
            if let node = tree.node(path) {
                switch next(3) {
                case 0: body = .setData(SetDataTxn(path: path, data: [UInt8(i & 0xff), 1], version: node.stat.version + 1))
                case 1: body = .setACL(SetACLTxn(path: path, acl: acls[next(3)] + [ACL(perms: .read, id: Id(scheme: "digest", id: "new\(i):y"))], version: node.stat.aversion + 1))
                default: body = node.children.isEmpty ? .delete(DeleteTxn(path: path)) : .setData(SetDataTxn(path: path, data: [], version: node.stat.version + 1))
                }
            } else {
                body = .create(CreateTxn(path: path, data: [UInt8(i & 0xff)], acl: acls[next(3)], ephemeral: false, parentCVersion: -1))
            }
            return StorageFixtures.txn(body, zxid: zxid)
        }
    }

    func assertSame(_ a: DataTree, _ b: DataTree) {
        #expect(Set(a.nodes.keys) == Set(b.nodes.keys))
        for (path, node) in a.nodes {
            guard let other = b.nodes[path] else { continue }
            #expect(other.data == node.data, "\(path) data")
            #expect(other.acl == node.acl, "\(path) acl")
            #expect(other.stat.version == node.stat.version && other.stat.aversion == node.stat.aversion, "\(path) versions")
            #expect(other.children == node.children, "\(path) children")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func captureIsExactAndReplayRebuildsTheLiveTree(seed: UInt64) throws {
        let live = DataTree()
        let asCaptured = DataTree()
        var sink = NoWatches()
        var workload = Workload(rng: seed &* 0x9E37_79B9_7F4A_7C15 | 1, zxid: 0)
        for _ in 0..<400 {
            let txn = workload.nextTxn(for: live)
            _ = live.apply(txn, sink: &sink)
            _ = asCaptured.apply(txn, sink: &sink)
        }
        let capture = SnapshotCapture(tree: live, sessions: [(7, 30_000)])
        #expect(capture.zxid == live.lastProcessedZxid && capture.nodeCount == live.nodes.count)
        var after: [Transaction] = []
        for _ in 0..<80 {
            // The event loop goes on applying while the snapshot thread serializes.
            let txn = workload.nextTxn(for: live)
            after.append(txn)
            _ = live.apply(txn, sink: &sink)
        }
        let contents = try SnapshotFormat.deserialize(capture.serialize())
        #expect(contents.sessions.map(\.id) == [7])
        let restored = DataTree()
        restored.load(nodes: contents.nodes, lastProcessedZxid: capture.zxid)
        assertSame(asCaptured, restored)
        for txn in after { _ = restored.apply(txn, sink: &sink) }
        assertSame(live, restored)
    }

    @Test func nodesAreWrittenDepthFirst() throws {
        let tree = DataTree()
        var sink = NoWatches()
        var zxid: Int64 = 0
        for path in ["/a", "/a-x", "/a.b", "/a/b", "/a/b/c", "/a/b-", "/ab", "/a-x/y", "/a/b/c/d"] {
            zxid += 1
            let body = TxnBody.create(CreateTxn(path: path, data: Array(path.utf8), acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1))
            _ = tree.apply(StorageFixtures.txn(body, zxid: zxid), sink: &sink)
        }
        let paths = SnapshotCapture(tree: tree, sessions: []).depthFirstPaths()
        #expect(Set(paths) == Set(tree.nodes.keys) && paths.count == tree.nodes.count && paths.first == "/")
        // Depth first: every node's parent is on the chain of ancestors of the node written before it.
        var ancestors: [String] = []
        for path in paths.dropFirst() {
            let parent = ZNodePath.parentKey(of: path)!
            while let top = ancestors.last, top != parent { ancestors.removeLast() }
            #expect(ancestors.last == parent || parent == "/", "\(path) is not under the chain \(ancestors)")
            if parent == "/" { ancestors = [] }
            ancestors.append(path)
        }
        var bytes = ByteBuffer()
        SnapshotFormat.serialize(tree: tree, sessions: [], into: &bytes)
        let restored = DataTree()
        restored.load(nodes: try SnapshotFormat.deserialize(bytes).nodes, lastProcessedZxid: zxid)
        assertSame(tree, restored)
    }
}
