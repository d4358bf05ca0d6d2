import NIOCore
import Testing
@testable import ZKClient
import ZKProtocol

@Suite struct StateMachineWatchTests {
    func notification(_ type: EventType, _ path: String) -> ByteBuffer {
        replyFrame(xid: SpecialXid.notification, zxid: -1, WatcherEvent(type: type, state: .syncConnected, path: path))
    }

    @Test func notificationPathsAreRelativeToTheChroot() {
        var m = makeMachine(chroot: "/app")
        _ = m.establish()
        #expect(m.frameReceived(notification(.nodeDataChanged, "/app/x"), now: at(1))
            == .deliver(.watch(type: .nodeDataChanged, state: .syncConnected, path: "/x")))
        #expect(m.frameReceived(notification(.nodeChildrenChanged, "/app"), now: at(1))
            == .deliver(.watch(type: .nodeChildrenChanged, state: .syncConnected, path: "/")))
        #expect(m.frameReceived(notification(.nodeDataChanged, "/zookeeper/config"), now: at(1))
            == .deliver(.watch(type: .nodeDataChanged, state: .syncConnected, path: "/zookeeper/config")))
    }

    @Test func notificationsDoNotDisturbReplyMatching() {
        var m = makeMachine()
        _ = m.establish()
        let (op, body) = getData("/a", watch: true)
        _ = m.submit(1, op: op, body: body, now: at(1))
        #expect(m.frameReceived(notification(.nodeDeleted, "/b"), now: at(2))
            == .deliver(.watch(type: .nodeDeleted, state: .syncConnected, path: "/b")))
        #expect(m.frameReceived(replyFrame(xid: 1), now: at(2)) == .complete(1, reply(xid: 1), events: []))
    }

    @Test func registryFollowsRepliesAndEvents() {
        var m = makeMachine(chroot: "/app")
        _ = m.establish()
        let requests: [(OpCode, ClientRequest.Body, ErrorCode)] = [
            (.getData, .getData(GetDataRequest(path: "/app/d", watch: true)), .ok),
            (.exists, .exists(ExistsRequest(path: "/app/e", watch: true)), .noNode),
            (.exists, .exists(ExistsRequest(path: "/app/d2", watch: true)), .ok),
            (.getChildren, .getChildren(GetChildrenRequest(path: "/app/c", watch: true)), .ok),
            (.getChildren2, .getChildren2(GetChildren2Request(path: "/app/c2", watch: true)), .ok),
            (.getData, .getData(GetDataRequest(path: "/app/failed", watch: true)), .noNode),
            (.getData, .getData(GetDataRequest(path: "/app/nowatch", watch: false)), .ok),
            (.addWatch, .addWatch(AddWatchRequest(path: "/app/p", type: AddWatchMode.persistent.rawValue)), .ok),
            (.addWatch, .addWatch(AddWatchRequest(path: "/app/r", type: AddWatchMode.persistentRecursive.rawValue)), .ok),
        ]
        for (i, (op, body, _)) in requests.enumerated() { _ = m.submit(RequestID(i), op: op, body: body, now: at(1)) }
        for (i, (_, _, err)) in requests.enumerated() { _ = m.frameReceived(replyFrame(xid: Int32(i + 1), err: err), now: at(2)) }
        #expect(m.watches.data == ["/app/d", "/app/d2"])
        #expect(m.watches.exist == ["/app/e"])
        #expect(m.watches.child == ["/app/c", "/app/c2"])
        #expect(m.watches.persistent == ["/app/p"])
        #expect(m.watches.persistentRecursive == ["/app/r"])

        _ = m.frameReceived(notification(.nodeCreated, "/app/e"), now: at(3))
        _ = m.frameReceived(notification(.nodeDataChanged, "/app/d"), now: at(3))
        _ = m.frameReceived(notification(.nodeChildrenChanged, "/app/c"), now: at(3))
        _ = m.frameReceived(notification(.nodeDataChanged, "/app/p"), now: at(3))
        #expect(m.watches.data == ["/app/d2"])
        #expect(m.watches.exist.isEmpty)
        #expect(m.watches.child == ["/app/c2"])
        #expect(m.watches.persistent == ["/app/p"])
        _ = m.frameReceived(notification(.nodeDeleted, "/app/d2"), now: at(3))
        _ = m.frameReceived(notification(.nodeDeleted, "/app/c2"), now: at(3))
        #expect(m.watches.data.isEmpty)
        #expect(m.watches.child.isEmpty)
    }

    @Test func removeWatchesDropsTheRecordAndFiresLocalEvents() {
        var m = makeMachine(chroot: "/app")
        _ = m.establish()
        _ = m.submit(1, op: .getData, body: .getData(GetDataRequest(path: "/app/x", watch: true)), now: at(1))
        _ = m.submit(2, op: .getChildren, body: .getChildren(GetChildrenRequest(path: "/app/x", watch: true)), now: at(1))
        _ = m.frameReceived(replyFrame(xid: 1), now: at(2))
        _ = m.frameReceived(replyFrame(xid: 2), now: at(2))
        let remove = ClientRequest.Body.removeWatches(RemoveWatchesRequest(path: "/app/x", type: WatcherType.any.rawValue))
        _ = m.submit(3, op: .removeWatches, body: remove, now: at(3))
        #expect(m.frameReceived(replyFrame(xid: 3), now: at(4)) == .complete(3, reply(xid: 3), events: [
            .watch(type: .childWatchRemoved, state: .syncConnected, path: "/x"),
            .watch(type: .dataWatchRemoved, state: .syncConnected, path: "/x"),
        ]))
        #expect(m.watches.isEmpty)
    }

    @Test func setWatchesBatchesAndVersion() {
        var registry = ClientWatchRegistry()
        registry.data = ["/b", "/a"]
        registry.exist = ["/e"]
        #expect(registry.setWatches(relativeZxid: 5) == [
            SetWatches(relativeZxid: 5, dataWatches: ["/a", "/b"], existWatches: ["/e"], childWatches: []),
        ])
        registry.persistentRecursive = ["/r"]
        let batches = registry.setWatches(relativeZxid: 5)
        #expect(batches.count == 1)
        #expect(batches[0].isVersion2)
        #expect(batches[0].persistentWatches == [])
        #expect(batches[0].persistentRecursiveWatches == ["/r"])

        var big = ClientWatchRegistry()
        let long = String(repeating: "x", count: 1000)
        big.child = Set((0..<300).map { "/\(long)\($0)" })
        let split = big.setWatches(relativeZxid: 0)
        #expect(split.count == 3)
        #expect(split.map(\.childWatches.count).reduce(0, +) == 300)
        #expect(split.allSatisfy { !$0.isVersion2 })
    }
}
