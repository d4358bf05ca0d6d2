import Testing
@testable import ZKDataTree
import ZKProtocol

/// Quota usage kept in zookeeper_stats as Apache's DataTree keeps it.
@Suite struct QuotaTests {
    final class Applier {
        let tree = DataTree()
        var zxid: Int64 = 0
        var sink = RecordingSink()

        func create(_ path: String, _ data: String = "") {
            zxid += 1
            _ = tree.apply(txn(.create(CreateTxn(path: path, data: Array(data.utf8), acl: ACL.openACLUnsafe, ephemeral: false,
                                                 parentCVersion: -1)), zxid: zxid), sink: &sink)
        }

        func set(_ path: String, _ data: String) {
            zxid += 1
            _ = tree.apply(txn(.setData(SetDataTxn(path: path, data: Array(data.utf8), version: 1)), zxid: zxid), sink: &sink)
        }

        func delete(_ path: String) {
            zxid += 1
            _ = tree.apply(txn(.delete(DeleteTxn(path: path)), zxid: zxid), sink: &sink)
        }

        func usage(_ path: String) -> String? {
            tree.node("/zookeeper/quota" + path + "/zookeeper_stats").map { String(decoding: $0.data ?? [], as: UTF8.self) }
        }
    }

    @Test func statsFollowTheSubtree() {
        let t = Applier()
        t.create("/a"); t.create("/a/b", "abc"); t.create("/other", "zzzz")
        // zkCli.sh's setquota: the quota node's path, the limits, then the stats, which the tree fills in.
        t.create("/zookeeper/quota/a"); t.create("/zookeeper/quota/a/zookeeper_limits", "count=10,bytes=-1")
        t.create("/zookeeper/quota/a/zookeeper_stats", "count=0,bytes=0")
        #expect(t.usage("/a") == "count=2,bytes=3")
        t.create("/a/b/c", "xx")
        #expect(t.usage("/a") == "count=3,bytes=5")
        t.set("/a/b", "x")
        #expect(t.usage("/a") == "count=3,bytes=3")
        t.delete("/a/b/c")
        t.create("/other/x", "ignored")
        #expect(t.usage("/a") == "count=2,bytes=1")
        // The stats node changes without a new version, as Apache's does.
        #expect(t.tree.node("/zookeeper/quota/a/zookeeper_stats")?.stat.version == 0)

        // A snapshot load recounts from the tree.
        let reloaded = DataTree()
        reloaded.load(nodes: t.tree.nodes, lastProcessedZxid: t.zxid)
        t.tree.node("/zookeeper/quota/a/zookeeper_stats")?.data = Array("count=99,bytes=99".utf8)
        reloaded.load(nodes: t.tree.nodes, lastProcessedZxid: t.zxid)
        #expect(String(decoding: reloaded.node("/zookeeper/quota/a/zookeeper_stats")?.data ?? [], as: UTF8.self) == "count=2,bytes=1")

        // Removing the limits ends the tracking.
        t.delete("/zookeeper/quota/a/zookeeper_limits")
        let before = t.usage("/a")
        t.create("/a/again")
        #expect(t.usage("/a") == before)
    }

    @Test func theDeepestQuotaCounts() {
        let t = Applier()
        t.create("/p"); t.create("/p/q")
        for root in ["/p", "/p/q"] {
            var prefix = "/zookeeper/quota"
            for segment in root.split(separator: "/") { prefix += "/" + segment; t.create(prefix) }
            t.create(prefix + "/zookeeper_limits", "count=-1,bytes=-1"); t.create(prefix + "/zookeeper_stats")
        }
        t.create("/p/q/r", "1")
        #expect(t.usage("/p/q") == "count=2,bytes=1")
        #expect(t.usage("/p") == "count=2,bytes=0")
    }
}
