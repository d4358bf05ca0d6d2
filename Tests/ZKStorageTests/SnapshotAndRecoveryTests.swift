import Foundation
import NIOCore
import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKStorage

@Suite struct SnapshotAndRecoveryTests {
    struct NoWatches: WatchSink { mutating func deliver(_ event: WatcherEvent, to watcher: WatcherID) {} }

    func sampleTree() -> DataTree {
        let tree = DataTree(extendedTypesEnabled: true)
        var sink = NoWatches()
        let digestACL = [ACL(perms: .all, id: Id(scheme: "digest", id: "bob:abc="))]
        let bodies: [TxnBody] = [
            .create(CreateTxn(path: "/a", data: Array("x".utf8), acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1)),
            .create(CreateTxn(path: "/a/b", data: nil, acl: digestACL, ephemeral: false, parentCVersion: -1)),
            .create(CreateTxn(path: "/e", data: [], acl: digestACL, ephemeral: true, parentCVersion: -1)),
            .createContainer(CreateContainerTxn(path: "/c", data: [], acl: ACL.readACLUnsafe, parentCVersion: -1)),
            .createTTL(CreateTTLTxn(path: "/t", data: [9], acl: ACL.openACLUnsafe, parentCVersion: -1, ttl: 1000)),
        ]
        for (i, body) in bodies.enumerated() { _ = tree.apply(StorageFixtures.txn(body, zxid: Int64(i + 1), session: 0x77), sink: &sink) }
        return tree
    }

    @Test func snapshotRoundTrip() throws {
        let tree = sampleTree()
        var bytes = ByteBuffer()
        SnapshotFormat.serialize(tree: tree, sessions: [(0x77, 30000)], into: &bytes)
        let contents = try SnapshotFormat.deserialize(bytes)
        #expect(contents.sessions.map(\.id) == [0x77])
        let restored = DataTree(extendedTypesEnabled: true)
        restored.load(nodes: contents.nodes, lastProcessedZxid: 5)
        #expect(Set(restored.nodes.keys) == Set(tree.nodes.keys))
        for (path, node) in tree.nodes {
            let other = restored.nodes[path]!
            #expect(other.data == node.data, "\(path)")
            #expect(other.acl == node.acl, "\(path)")
            #expect(other.stat == node.stat, "\(path)")
            #expect(other.children == node.children, "\(path)")
        }
        #expect(restored.ephemerals[0x77] == ["/e"])
        #expect(restored.containers == ["/c"])
        #expect(restored.ttlNodes == ["/t"])
    }

    @Test func damagedSnapshotIsDetected() throws {
        var bytes = ByteBuffer()
        SnapshotFormat.serialize(tree: sampleTree(), sessions: [], into: &bytes)
        for offset in stride(from: 16, to: bytes.readableBytes - 12, by: 7) {
            var damaged = bytes
            damaged.setInteger(damaged.getInteger(at: offset, as: UInt8.self)! ^ 0x10, at: offset)
            #expect(throws: (any Error).self, "flip at \(offset)") { _ = try SnapshotFormat.deserialize(damaged) }
        }
    }

    @Test func readsEveryApacheSnapshot() throws {
        for name in ["snapshot.0", "snapshot.6", "snapshot.c", "snapshot.13"] {
            let contents = try SnapshotFormat.deserialize(try FileSystem.readFile(StorageFixtures.apacheFixture + "/" + name))
            #expect(contents.nodes["/zookeeper"] != nil, "\(name)")
        }
    }

    /// An Apache 3.8.0 data dir (snapshots every few transactions, logs across four files) recovers to the
    /// tree its client left: the import path for users migrating a server.
    @Test func recoversAnApacheDataDir() throws {
        let dir = StorageFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in try FileManager.default.contentsOfDirectory(atPath: StorageFixtures.apacheFixture) {
            try FileManager.default.copyItem(atPath: StorageFixtures.apacheFixture + "/" + name, toPath: dir + "/" + name)
        }
        let state = try Recovery.recover(snapshotDirectory: dir, logDirectory: dir, extendedTypesEnabled: true)
        let tree = state.tree
        #expect(tree.node("/app")?.data == Array("config-v3".utf8))
        #expect(tree.node("/app")?.stat.version == 2)
        #expect(tree.node("/app")?.children == ["seq-0000000000", "seq-0000000001"])
        #expect(tree.node("/secret")?.acl.first?.id.scheme == "digest")
        #expect(tree.node("/gone") == nil)
        #expect(tree.node("/eph") == nil)  // its session was closed
        #expect(tree.node("/multi1")?.data == Array("m".utf8))
        #expect(tree.node("/bulk00")?.data == Array("changed".utf8))
        #expect((0..<12).allSatisfy { tree.node(String(format: "/bulk%02d", $0)) != nil })
        #expect(state.sessions.isEmpty)
        #expect(state.snapshotZxid == 0x13)
    }

    @Test func recoveryTruncatesATornTailAndFallsBackFromADamagedSnapshot() throws {
        let dir = StorageFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // snapshot.2 (good), snapshot.3 (damaged), log.1 with 1-3, log.4 with 4-5 and a torn tail.
        let base = DataTree()
        var sink = NoWatches()
        _ = base.apply(StorageFixtures.create("/one", zxid: 1), sink: &sink)
        _ = base.apply(StorageFixtures.create("/two", zxid: 2), sink: &sink)
        var good = ByteBuffer()
        SnapshotFormat.serialize(tree: base, sessions: [], into: &good)
        StorageFixtures.write(good, to: dir + "/snapshot.2")
        var bad = good
        bad.setInteger(UInt8(0xee), at: 40)
        StorageFixtures.write(bad, to: dir + "/snapshot.3")
        StorageFixtures.write(StorageFixtures.logFile([StorageFixtures.create("/one", zxid: 1), StorageFixtures.create("/two", zxid: 2), StorageFixtures.create("/three", zxid: 3)]), to: dir + "/log.1")
        var last = StorageFixtures.logFile([StorageFixtures.create("/four", zxid: 4), StorageFixtures.create("/five", zxid: 5)])
        last.moveWriterIndex(to: last.writerIndex - 3)
        StorageFixtures.write(last, to: dir + "/log.4")
        let state = try Recovery.recover(snapshotDirectory: dir, logDirectory: dir, extendedTypesEnabled: false)
        #expect(state.snapshotZxid == 2)
        #expect(state.tree.node("/three") != nil)
        #expect(state.tree.node("/four") != nil)
        #expect(state.tree.node("/five") == nil)
        #expect(state.tree.lastProcessedZxid == 4)
        #expect(state.notes.contains { $0.contains("skipped damaged snapshot") })
        #expect(state.notes.contains { $0.contains("truncated torn tail") })
        // The cut is permanent: a second recovery finds a clean log.
        let again = try Recovery.recover(snapshotDirectory: dir, logDirectory: dir, extendedTypesEnabled: false)
        #expect(!again.notes.contains { $0.contains("truncated torn tail") }, "\(again.notes)")
    }

    @Test func damageInAnOlderLogStopsStartUpNamingFileAndOffset() throws {
        let dir = StorageFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var first = StorageFixtures.logFile([StorageFixtures.create("/one", zxid: 1), StorageFixtures.create("/two", zxid: 2)])
        first.moveWriterIndex(to: first.writerIndex - 2)  // torn, but a newer log follows
        StorageFixtures.write(first, to: dir + "/log.1")
        StorageFixtures.write(StorageFixtures.logFile([StorageFixtures.create("/three", zxid: 3)]), to: dir + "/log.3")
        do {
            _ = try Recovery.recover(snapshotDirectory: dir, logDirectory: dir, extendedTypesEnabled: false)
            Issue.record("recovery should have refused")
        } catch let failure as Recovery.Failure {
            #expect(failure.file.hasSuffix("/log.1"))
            #expect((failure.offset ?? 0) > TxnLogFormat.headerSize)
        }
    }

    @Test func logWriterAppendsRollsAndRecovers() throws {
        let dir = StorageFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try LogFileWriter(directory: dir, forceSync: true, preallocationStep: 4096)
        var batch = ByteBuffer()
        for zxid in 1...50 { TxnLogFormat.writeEntry(StorageFixtures.create("/n\(zxid)", String(repeating: "v", count: 100), zxid: Int64(zxid)), into: &batch) }
        try writer.append(batch, firstZxid: 1)
        try writer.sync()
        try writer.roll()
        var second = ByteBuffer()
        TxnLogFormat.writeEntry(StorageFixtures.create("/late", zxid: 51), into: &second)
        try writer.append(second, firstZxid: 51)
        try writer.sync()
        #expect(Set(FileSystem.list(dir)) == ["log.1", "log.33"])
        let state = try Recovery.recover(snapshotDirectory: dir, logDirectory: dir, extendedTypesEnabled: false)
        #expect(state.replayed == 51)
        #expect(state.tree.node("/late") != nil)
    }
}
