import NIOCore
import Testing
@testable import ZKClient
import ZKProtocol

@Suite struct StateMachineRequestTests {
    @Test func replyCompletesTheRequestAndAdvancesTheZxid() {
        var m = makeMachine()
        _ = m.establish()
        let (op, body) = getData("/a")
        #expect(m.submit(42, op: op, body: body, now: at(1)) == .send(ClientRequest(xid: 1, op: .getData, body: body)))
        let data = GetDataResponse(data: [1, 2], stat: Stat())
        let action = m.frameReceived(replyFrame(xid: 1, zxid: 0x500, data), now: at(2))
        #expect(action == .complete(42, reply(xid: 1, zxid: 0x500, data), events: []))
        #expect(m.lastZxid == 0x500)
        #expect(m.inFlight.isEmpty)
    }

    @Test func pipelinedRepliesMatchInOrder() {
        var m = makeMachine()
        _ = m.establish()
        for id: RequestID in 1...3 {
            let (op, body) = getData("/n\(id)")
            _ = m.submit(id * 10, op: op, body: body, now: at(1))
        }
        #expect(m.frameReceived(replyFrame(xid: 1, zxid: 7), now: at(2)) == .complete(10, reply(xid: 1, zxid: 7), events: []))
        #expect(m.frameReceived(replyFrame(xid: 2, err: .noNode), now: at(2)) == .complete(20, reply(xid: 2, err: .noNode), events: []))
        // A zxid of 0 or less (reads on some servers) does not move lastZxid back.
        #expect(m.frameReceived(replyFrame(xid: 3, zxid: -1), now: at(2)) == .complete(30, reply(xid: 3, zxid: -1), events: []))
        #expect(m.lastZxid == 7)
    }

    @Test func outOfOrderReplyDropsTheConnection() {
        var m = makeMachine(hosts: [host1, host2])
        _ = m.establish()
        let (op, body) = getData("/a")
        _ = m.submit(1, op: op, body: body, now: at(1))
        _ = m.submit(2, op: op, body: body, now: at(1))
        #expect(m.frameReceived(replyFrame(xid: 2), now: at(2)) == .closeChannel)
        #expect(m.channelInactive(now: at(3)) == .connectionLost(failed: [1, 2], event: .state(.disconnected), reconnect: host2))
        #expect(m.sessionState == .disconnected)
        #expect(m.state == .connecting)
    }

    @Test func unexpectedReplyWithNothingPendingDropsTheConnection() {
        var m = makeMachine()
        _ = m.establish()
        #expect(m.frameReceived(replyFrame(xid: 9), now: at(1)) == .closeChannel)
    }

    @Test func xidsWrapFromMaxToOne() {
        var m = makeMachine(nextXid: Int32.max - 1)
        _ = m.establish()
        let (op, body) = getData("/a")
        #expect(m.submit(1, op: op, body: body, now: at(1)) == .send(ClientRequest(xid: Int32.max - 1, op: op, body: body)))
        #expect(m.submit(2, op: op, body: body, now: at(1)) == .send(ClientRequest(xid: Int32.max, op: op, body: body)))
        #expect(m.submit(3, op: op, body: body, now: at(1)) == .send(ClientRequest(xid: 1, op: op, body: body)))
        #expect(m.frameReceived(replyFrame(xid: Int32.max - 1), now: at(2)) == .complete(1, reply(xid: Int32.max - 1), events: []))
        #expect(m.frameReceived(replyFrame(xid: Int32.max), now: at(2)) == .complete(2, reply(xid: Int32.max), events: []))
        #expect(m.frameReceived(replyFrame(xid: 1), now: at(2)) == .complete(3, reply(xid: 1), events: []))
    }

    @Test func pingsWhenIdleAndTimesOutWhenTheServerIsSilent() {
        var m = makeMachine()
        _ = m.establish(now: at(0))  // negotiated 9000 ms: ping after 3000 ms idle, read timeout 6000 ms
        #expect(m.tick(now: at(2_999)) == .none)
        let ping = ClientRequest(xid: SpecialXid.ping, op: .ping, body: .ping)
        #expect(m.tick(now: at(3_000)) == .send(ping))
        #expect(m.tick(now: at(3_100)) == .none)
        #expect(m.frameReceived(replyFrame(xid: SpecialXid.ping, zxid: 99), now: at(3_200)) == .none)
        #expect(m.lastZxid == 0)  // Apache ignores the zxid of ping replies
        #expect(m.tick(now: at(6_200)) == .send(ping))
        #expect(m.tick(now: at(9_201)) == .closeChannel)
    }

    @Test func sendingPostponesThePing() {
        var m = makeMachine()
        _ = m.establish(now: at(0))
        let (op, body) = getData("/a")
        _ = m.submit(1, op: op, body: body, now: at(2_000))
        #expect(m.tick(now: at(3_000)) == .none)
        #expect(m.tick(now: at(5_000)) == .send(ClientRequest(xid: SpecialXid.ping, op: .ping, body: .ping)))
    }

    @Test func closeSendsCloseSessionAndEndsAtItsReply() {
        var m = makeMachine()
        _ = m.establish()
        let (op, body) = getData("/a")
        _ = m.submit(1, op: op, body: body, now: at(1))
        #expect(m.close(now: at(1)) == .send(ClientRequest(xid: 2, op: .closeSession, body: .closeSession)))
        #expect(m.submit(2, op: op, body: body, now: at(1)) == .fail(2, ZooKeeperError(code: .connectionLoss)))
        #expect(m.frameReceived(replyFrame(xid: 1), now: at(2)) == .complete(1, reply(xid: 1), events: []))
        #expect(m.frameReceived(replyFrame(xid: 2), now: at(2))
            == .terminate(failed: [], error: ZooKeeperError(code: .connectionLoss), event: .state(.closed), completed: nil))
        #expect(m.sessionState == .closed)
        #expect(m.close(now: at(3)) == .none)
        #expect(m.submit(3, op: op, body: body, now: at(3)) == .fail(3, ZooKeeperError(code: .sessionExpired)))
    }

    @Test func closeIsBoundedWhenTheServerDoesNotAnswer() {
        var m = makeMachine()
        _ = m.establish()
        _ = m.close(now: at(1_000))
        #expect(m.tick(now: at(2_999)) == .none)
        #expect(m.tick(now: at(3_000))
            == .terminate(failed: [], error: ZooKeeperError(code: .connectionLoss), event: .state(.closed), completed: nil))
    }

    @Test func closeBeforeTheSessionEndsAtOnce() {
        var m = makeMachine()
        _ = m.start(now: at(0))
        let (op, body) = getData("/a")
        _ = m.submit(1, op: op, body: body, now: at(0))
        #expect(m.close(now: at(1))
            == .terminate(failed: [1], error: ZooKeeperError(code: .connectionLoss), event: .state(.closed), completed: nil))
        #expect(m.channelActive(now: at(2)) == .closeChannel)
    }

    @Test func rawCloseSessionCompletesItsCaller() {
        var m = makeMachine()
        _ = m.establish()
        _ = m.submit(8, op: .closeSession, body: .closeSession, now: at(1))
        #expect(m.frameReceived(replyFrame(xid: 1), now: at(2)) == .terminate(
            failed: [], error: ZooKeeperError(code: .connectionLoss), event: .state(.closed),
            completed: .init(id: 8, reply: reply(xid: 1))))
    }

    @Test func authIsAnsweredOutOfBand() {
        var m = makeMachine()
        _ = m.establish()
        let (op, body) = getData("/a")
        _ = m.submit(1, op: op, body: body, now: at(1))
        let packet = AuthPacket(scheme: "digest", auth: Array("u:p".utf8))
        #expect(m.addAuth(2, packet, now: at(1)) == .send(ClientRequest(xid: SpecialXid.auth, op: .auth, body: .auth(packet))))
        // The auth answer may overtake the pending getData.
        #expect(m.frameReceived(replyFrame(xid: SpecialXid.auth), now: at(2)) == .complete(2, reply(xid: SpecialXid.auth), events: []))
        #expect(m.frameReceived(replyFrame(xid: 1), now: at(2)) == .complete(1, reply(xid: 1), events: []))
        #expect(m.authInfos == [packet])
    }

    @Test func authFailedEndsTheSession() {
        var m = makeMachine()
        _ = m.establish()
        let (op, body) = getData("/a")
        _ = m.submit(1, op: op, body: body, now: at(1))
        _ = m.addAuth(2, AuthPacket(scheme: "bad", auth: []), now: at(1))
        #expect(m.frameReceived(replyFrame(xid: SpecialXid.auth, err: .authFailed), now: at(2))
            == .terminate(failed: [2, 1], error: ZooKeeperError(code: .authFailed), event: .state(.authFailed), completed: nil))
        #expect(m.submit(3, op: op, body: body, now: at(3)) == .fail(3, ZooKeeperError(code: .authFailed)))
    }

    @Test func authBeforeTheSessionGoesOutWithTheHandshakeBatch() {
        var m = makeMachine()
        _ = m.start(now: at(0))
        let packet = AuthPacket(scheme: "digest", auth: Array("u:p".utf8))
        #expect(m.addAuth(4, packet, now: at(0)) == .none)
        _ = m.channelActive(now: at(0))
        #expect(m.frameReceived(handshakeFrame(), now: at(0))
            == .sessionEstablished(.state(.connected), send: [ClientRequest(xid: SpecialXid.auth, op: .auth, body: .auth(packet))]))
        #expect(m.frameReceived(replyFrame(xid: SpecialXid.auth), now: at(1)) == .complete(4, reply(xid: SpecialXid.auth), events: []))
    }
}
