import Testing
import ZKDataTree
import ZKProtocol

/// Records triggered events in order.
struct RecordingSink: WatchSink {
    var events: [(WatcherID, EventType, String)] = []
    mutating func deliver(_ event: WatcherEvent, to watcher: WatcherID) {
        events.append((watcher, event.eventType!, event.path))
    }
}

func txn(_ body: TxnBody, zxid: Int64, session: Int64 = 1, time: Int64 = 1000) -> Transaction {
    Transaction(header: TxnHeader(clientId: session, cxid: 0, zxid: zxid, time: time, type: body.typeCode), body: body)
}

@Suite struct DataTreeTests {
    @Test func freshTreeHasTheSystemNodes() {
        let tree = DataTree()
        #expect(tree.nodeCount == 5)  // Apache counts its "" alias of the root
        #expect(tree.node("/zookeeper/config")?.acl == ACL.readACLUnsafe)
        #expect(tree.node("/zookeeper")?.fullStat.cversion == -2)
        #expect(tree.node("/zookeeper/config")?.stat.aversion == -1)
    }

    @Test func createSetDeleteUpdateStats() {
        let tree = DataTree()
        var sink = RecordingSink()
        let created = tree.apply(txn(.create(CreateTxn(path: "/a", data: [1, 2], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 2)), zxid: 1), sink: &sink)
        guard case .created(let path, let stat) = created else { Issue.record("not created"); return }
        #expect(path == "/a")
        #expect(stat.czxid == 1 && stat.mzxid == 1 && stat.pzxid == 1 && stat.dataLength == 2)
        let root = tree.node("/")!
        #expect(root.stat.cversion == 2 && root.stat.pzxid == 1)
        #expect(tree.apply(txn(.setData(SetDataTxn(path: "/a", data: [9], version: 1)), zxid: 2), sink: &sink) != .error(.noNode))
        #expect(tree.node("/a")!.fullStat.version == 1)
        #expect(tree.node("/a")!.fullStat.mzxid == 2)
        #expect(tree.apply(txn(.delete(DeleteTxn(path: "/a")), zxid: 3), sink: &sink) == .deleted)
        #expect(tree.node("/a") == nil)
        // Clients see creates plus deletes: stored 2 creates, 1 child left (zookeeper) -> 2*2-1.
        #expect(root.fullStat.cversion == 3)
        #expect(tree.lastProcessedZxid == 3)
    }

    @Test func ephemeralsAreIndexedAndClosedWithTheirSession() {
        let tree = DataTree()
        var sink = RecordingSink()
        _ = tree.apply(txn(.create(CreateTxn(path: "/e", data: nil, acl: ACL.openACLUnsafe, ephemeral: true, parentCVersion: -1)), zxid: 1, session: 42), sink: &sink)
        #expect(tree.ephemerals[42] == ["/e"])
        #expect(tree.node("/e")!.data == nil)
        _ = tree.apply(txn(.closeSession(ephemerals: ["/e"]), zxid: 2, session: 42), sink: &sink)
        #expect(tree.node("/e") == nil)
        #expect(tree.ephemerals[42] == nil)
    }

    @Test func watchesFireOnceInApacheOrder() {
        let tree = DataTree()
        var sink = RecordingSink()
        _ = tree.apply(txn(.create(CreateTxn(path: "/p", data: [], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1)), zxid: 1), sink: &sink)
        _ = tree.apply(txn(.create(CreateTxn(path: "/p/c", data: [], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1)), zxid: 2), sink: &sink)
        tree.watches.data.add("/p/c", 7, mode: .standard)
        tree.watches.child.add("/p/c", 7, mode: .standard)
        tree.watches.child.add("/p", 8, mode: .standard)
        _ = tree.apply(txn(.delete(DeleteTxn(path: "/p/c")), zxid: 3), sink: &sink)
        #expect(sink.events.map { "\($0.0) \($0.1.name) \($0.2)" } == ["7 NodeDeleted /p/c", "8 NodeChildrenChanged /p"])
        #expect(tree.watches.totalCount == 0)
    }

    @Test func recursiveWatchesSeeDescendantsButNotChildChanges() {
        let tree = DataTree()
        var sink = RecordingSink()
        tree.watches.addPersistent("/", 1, recursive: true)
        tree.watches.addPersistent("/x", 2, recursive: false)
        _ = tree.apply(txn(.create(CreateTxn(path: "/x", data: [], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1)), zxid: 1), sink: &sink)
        _ = tree.apply(txn(.create(CreateTxn(path: "/x/y", data: [], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1)), zxid: 2), sink: &sink)
        let seen = sink.events.map { "\($0.0) \($0.1.name) \($0.2)" }
        #expect(seen.filter { $0.hasPrefix("1 ") } == ["1 NodeCreated /x", "1 NodeCreated /x/y"])
        #expect(seen.filter { $0.hasPrefix("2 ") } == ["2 NodeCreated /x", "2 NodeChildrenChanged /x"])
        // Persistent watches survive triggering (each sits in both tables).
        #expect(tree.watches.totalCount == 4)
    }

    @Test func failedMultiAppliesNothing() {
        let tree = DataTree()
        var sink = RecordingSink()
        let body = TxnBody.multi([
            .create(CreateTxn(path: "/m", data: [], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1)),
            .error(.nodeExists),
            .error(.runtimeInconsistency),
        ])
        let result = tree.apply(txn(body, zxid: 1), sink: &sink)
        #expect(result == .multi([.error(.ok), .error(.nodeExists), .error(.runtimeInconsistency)]))
        #expect(tree.node("/m") == nil)
        #expect(tree.lastProcessedZxid == 1)
    }

    @Test func containerAndTTLOwnersAreHiddenFromClients() {
        let tree = DataTree(extendedTypesEnabled: true)
        var sink = RecordingSink()
        _ = tree.apply(txn(.createContainer(CreateContainerTxn(path: "/c", data: [], acl: ACL.openACLUnsafe, parentCVersion: -1)), zxid: 1), sink: &sink)
        _ = tree.apply(txn(.createTTL(CreateTTLTxn(path: "/t", data: [], acl: ACL.openACLUnsafe, parentCVersion: -1, ttl: 500)), zxid: 2), sink: &sink)
        #expect(tree.containers == ["/c"])
        #expect(tree.ttlNodes == ["/t"])
        #expect(tree.node("/c")!.fullStat.ephemeralOwner == 0)
        #expect(tree.node("/t")!.fullStat.ephemeralOwner == 0)
        #expect(tree.ephemeralKind(of: tree.node("/t")!) == .ttl(500))
    }

    @Test func transactionsRoundTripInApacheEncoding() throws {
        let bodies: [TxnBody] = [
            .create(CreateTxn(path: "/a", data: [1], acl: ACL.openACLUnsafe, ephemeral: true, parentCVersion: 3)),
            .createContainer(CreateContainerTxn(path: "/c", data: nil, acl: ACL.openACLUnsafe, parentCVersion: 1)),
            .createTTL(CreateTTLTxn(path: "/t", data: [], acl: ACL.openACLUnsafe, parentCVersion: 1, ttl: 99)),
            .delete(DeleteTxn(path: "/a")), .deleteContainer(DeleteTxn(path: "/c")),
            .setData(SetDataTxn(path: "/a", data: [2], version: 4)),
            .setACL(SetACLTxn(path: "/a", acl: ACL.readACLUnsafe, version: 2)),
            .check(CheckVersionTxn(path: "/a", version: 1)),
            .error(.noNode), .createSession(timeout: 30000), .closeSession(ephemerals: ["/e1", "/e2"]),
            .multi([.delete(DeleteTxn(path: "/x")), .error(.runtimeInconsistency)]),
        ]
        for body in bodies {
            var buffer = ByteBufferBox.make(body.encodedBytes())
            #expect(try TxnBody.decode(type: body.typeCode, from: &buffer) == body)
        }
    }
}
