import NIOCore
import Testing
@testable import ZKClient
import ZKProtocol

@Suite struct StateMachineReconnectTests {
    @Test func reconnectKeepsTheSessionAndReRegistersAuthAndWatches() {
        var m = makeMachine(hosts: [host1, host2], chroot: "/app")
        _ = m.establish(response: handshakeFrame(sessionId: 0x55, passwd: Array(repeating: 7, count: 16)))
        let auth = AuthPacket(scheme: "digest", auth: Array("u:p".utf8))
        _ = m.addAuth(100, auth, now: at(1))
        _ = m.frameReceived(replyFrame(xid: SpecialXid.auth), now: at(1))
        _ = m.submit(1, op: .getData, body: .getData(GetDataRequest(path: "/app/d", watch: true)), now: at(1))
        _ = m.submit(2, op: .exists, body: .exists(ExistsRequest(path: "/app/e", watch: true)), now: at(1))
        _ = m.submit(3, op: .getChildren, body: .getChildren(GetChildrenRequest(path: "/app", watch: true)), now: at(1))
        _ = m.frameReceived(replyFrame(xid: 1, zxid: 0x10), now: at(2))
        _ = m.frameReceived(replyFrame(xid: 2, zxid: 0x11, err: .noNode), now: at(2))
        _ = m.frameReceived(replyFrame(xid: 3, zxid: 0x12), now: at(2))
        _ = m.submit(4, op: .sync, body: .sync(SyncRequest(path: "/app")), now: at(2))

        // The connection drops with request 4 in flight.
        #expect(m.channelInactive(now: at(3)) == .connectionLost(failed: [4], event: .state(.disconnected), reconnect: host2))
        #expect(m.currentHost == host2)
        // Submitted while disconnected: waits.
        _ = m.submit(5, op: .sync, body: .sync(SyncRequest(path: "/app")), now: at(3))

        #expect(m.channelActive(now: at(4)) == .sendConnectRequest(ConnectRequest(
            protocolVersion: 0, lastZxidSeen: 0x12, timeOut: 9_000, sessionId: 0x55,
            passwd: Array(repeating: 7, count: 16), readOnly: false)))
        let action = m.frameReceived(handshakeFrame(sessionId: 0x55, passwd: Array(repeating: 7, count: 16)), now: at(5))
        let setWatches = SetWatches(relativeZxid: 0x12, dataWatches: ["/app/d"], existWatches: ["/app/e"], childWatches: ["/app"])
        #expect(action == .sessionEstablished(.state(.connected), send: [
            ClientRequest(xid: SpecialXid.auth, op: .auth, body: .auth(auth)),
            ClientRequest(xid: SpecialXid.setWatches, op: .setWatches, body: .setWatches(setWatches)),
            ClientRequest(xid: 5, op: .sync, body: .sync(SyncRequest(path: "/app"))),
        ]))
        // Re-sent auth and setWatches answers complete nobody; the waiting sync is matched after them.
        #expect(m.frameReceived(replyFrame(xid: SpecialXid.auth), now: at(6)) == .none)
        #expect(m.frameReceived(replyFrame(xid: SpecialXid.setWatches), now: at(6)) == .none)
        #expect(m.frameReceived(replyFrame(xid: 5, zxid: 0x13), now: at(6)) == .complete(5, reply(xid: 5, zxid: 0x13), events: []))
    }

    @Test func persistentWatchesUseSetWatches2() {
        var m = makeMachine()
        _ = m.establish()
        _ = m.submit(1, op: .addWatch, body: .addWatch(AddWatchRequest(path: "/p", type: 0)), now: at(1))
        _ = m.frameReceived(replyFrame(xid: 1, zxid: 3), now: at(1))
        _ = m.channelInactive(now: at(2))
        _ = m.tick(now: at(100))
        _ = m.channelActive(now: at(100))
        let expected = SetWatches(relativeZxid: 3, dataWatches: [], existWatches: [], childWatches: [],
                                  persistentWatches: ["/p"], persistentRecursiveWatches: [])
        #expect(m.frameReceived(handshakeFrame(), now: at(100)) == .sessionEstablished(.state(.connected), send: [
            ClientRequest(xid: SpecialXid.setWatches, op: .setWatches2, body: .setWatches(expected)),
        ]))
    }

    @Test func hostsRotateThenBackOff() {
        var m = makeMachine(hosts: [host1, host2, host3])
        #expect(m.start(now: at(0)) == .connect(host1))
        #expect(m.connectFailed(now: at(1)) == .connectionLost(failed: [], event: nil, reconnect: host2))
        #expect(m.connectFailed(now: at(2)) == .connectionLost(failed: [], event: nil, reconnect: host3))
        // A full cycle failed: wait 50 ms, then 100 ms after the next cycle.
        #expect(m.connectFailed(now: at(3)) == .connectionLost(failed: [], event: nil, reconnect: nil))
        #expect(m.state == .backingOff(until: at(53)))
        #expect(m.tick(now: at(52)) == .none)
        #expect(m.tick(now: at(53)) == .connect(host1))
        _ = m.channelActive(now: at(60))
        // Refused during the handshake (channel closes): counts as a failure too.
        #expect(m.channelInactive(now: at(61)) == .connectionLost(failed: [], event: nil, reconnect: host2))
        _ = m.connectFailed(now: at(62))
        #expect(m.connectFailed(now: at(63)) == .connectionLost(failed: [], event: nil, reconnect: nil))
        #expect(m.state == .backingOff(until: at(163)))
    }

    @Test func aSuccessfulSessionResetsTheBackOff() {
        var m = makeMachine()
        _ = m.start(now: at(0))
        _ = m.connectFailed(now: at(0))
        #expect(m.consecutiveFailures == 1)
        _ = m.tick(now: at(50))
        _ = m.channelActive(now: at(50))
        _ = m.frameReceived(handshakeFrame(), now: at(50))
        #expect(m.consecutiveFailures == 0)
        // A drop of an established session reconnects at once, to the next (here the same) host.
        #expect(m.channelInactive(now: at(60)) == .connectionLost(failed: [], event: .state(.disconnected), reconnect: host1))
    }

    @Test func expiryOnReconnect() {
        var m = makeMachine()
        _ = m.establish()
        _ = m.channelInactive(now: at(1))
        _ = m.submit(9, op: .sync, body: .sync(SyncRequest(path: "/")), now: at(1))
        _ = m.channelActive(now: at(2))
        #expect(m.frameReceived(handshakeFrame(timeOut: 0, sessionId: 0), now: at(3))
            == .terminate(failed: [9], error: ZooKeeperError(code: .sessionExpired), event: .state(.expired), completed: nil))
        #expect(m.channelInactive(now: at(4)) == .none)
    }
}
