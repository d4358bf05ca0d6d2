import NIOCore
import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKStorage

/// A snapshot written in steps while transactions keep arriving, plus the log after its start zxid,
/// must rebuild exactly the live tree.
@Suite struct FuzzySnapshotTests {
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
    func steppedSnapshotPlusReplayEqualsLiveTree(seed: UInt64) throws {
        let live = DataTree()
        var sink = NoWatches()
        var workload = Workload(rng: seed &* 0x9E37_79B9_7F4A_7C15 | 1, zxid: 0)
        for _ in 0..<400 { _ = live.apply(workload.nextTxn(for: live), sink: &sink) }
        var serializer = SnapshotSerializer(tree: live, sessions: [])
        var during: [Transaction] = []
        while !serializer.step(budget: 3) {
            // Transactions land between steps, as on the server's event loop.
            for _ in 0..<2 {
                let txn = workload.nextTxn(for: live)
                during.append(txn)
                _ = live.apply(txn, sink: &sink)
            }
        }
        for _ in 0..<50 {
            let txn = workload.nextTxn(for: live)
            during.append(txn)
            _ = live.apply(txn, sink: &sink)
        }
        #expect(during.count > 20)
        let contents = try SnapshotFormat.deserialize(serializer.finish())
        let restored = DataTree()
        restored.load(nodes: contents.nodes, lastProcessedZxid: serializer.startZxid)
        for t in during where t.zxid > restored.lastProcessedZxid { _ = restored.apply(t, sink: &sink) }
        assertSame(live, restored)
    }
}
