import NIOCore
import Testing
@testable import ZKClient
import ZKProtocol

@Suite struct StateMachineHandshakeTests {
    @Test func firstHandshakeSendsTheLongFormWithNewSession() throws {
        var m = makeMachine(readOnly: true)
        #expect(m.start(now: at(0)) == .connect(host1))
        let action = m.channelActive(now: at(1))
        let expected = ConnectRequest(protocolVersion: 0, lastZxidSeen: 0, timeOut: 9_000, sessionId: 0,
                                      passwd: [UInt8](repeating: 0, count: 16), readOnly: true)
        #expect(action == .sendConnectRequest(expected))
        var buffer = ByteBuffer()
        expected.encode(into: &buffer)
        #expect(buffer.readableBytes == 45)
    }

    @Test func shortAnswerEstablishesTheSession() {
        var m = makeMachine()
        let action = m.establish(response: handshakeFrame(timeOut: 6_000, sessionId: 77, readOnly: nil))
        #expect(handshakeFrame(readOnly: nil).readableBytes == 36)
        #expect(action == .sessionEstablished(.state(.connected), send: []))
        #expect(m.state == .connected)
        #expect(m.sessionState == .connected)
        #expect(m.sessionId == 77)
        #expect(m.sessionPassword == Array(1...16))
        #expect(m.negotiatedTimeoutMs == 6_000)
    }

    @Test func readOnlyAnswer() {
        var m = makeMachine(readOnly: true)
        #expect(handshakeFrame(readOnly: true).readableBytes == 37)
        #expect(m.establish(response: handshakeFrame(readOnly: true)) == .sessionEstablished(.state(.connectedReadOnly), send: []))
        #expect(m.sessionState == .connectedReadOnly)
    }

    @Test func malformedAnswerClosesTheChannel() {
        var m = makeMachine()
        _ = m.start(now: at(0))
        _ = m.channelActive(now: at(0))
        var short = ByteBuffer()
        short.writeInteger(0, as: Int32.self)
        #expect(m.frameReceived(short, now: at(1)) == .closeChannel)
    }

    @Test func requestsSubmittedBeforeTheSessionWaitAndGoOutAfterIt() {
        var m = makeMachine()
        _ = m.start(now: at(0))
        let (op, body) = getData("/a")
        #expect(m.submit(10, op: op, body: body, now: at(0)) == .none)
        #expect(m.submit(11, op: .sync, body: .sync(SyncRequest(path: "/")), now: at(0)) == .none)
        _ = m.channelActive(now: at(1))
        let action = m.frameReceived(handshakeFrame(), now: at(2))
        #expect(action == .sessionEstablished(.state(.connected), send: [
            ClientRequest(xid: 1, op: .getData, body: body),
            ClientRequest(xid: 2, op: .sync, body: .sync(SyncRequest(path: "/"))),
        ]))
        #expect(m.inFlight.map(\.xid) == [1, 2])
    }

    @Test func timeoutZeroAnswerMeansExpired() {
        var m = makeMachine()
        _ = m.start(now: at(0))
        let (op, body) = getData("/a")
        _ = m.submit(5, op: op, body: body, now: at(0))
        _ = m.channelActive(now: at(0))
        let action = m.frameReceived(handshakeFrame(timeOut: 0, sessionId: 0, passwd: Array(repeating: 0, count: 16)), now: at(1))
        #expect(action == .terminate(failed: [5], error: ZooKeeperError(code: .sessionExpired), event: .state(.expired), completed: nil))
        #expect(m.sessionState == .expired)
        #expect(m.submit(6, op: op, body: body, now: at(2)) == .fail(6, ZooKeeperError(code: .sessionExpired)))
        #expect(m.tick(now: at(100_000)) == .none)
    }

    @Test func handshakeTimeoutClosesTheChannel() {
        var m = makeMachine()
        _ = m.start(now: at(0))
        _ = m.channelActive(now: at(0))
        #expect(m.tick(now: at(4_000)) == .none)
        #expect(m.tick(now: at(5_001)) == .closeChannel)
    }

    @Test func waitingRequestsFailAfterTheSessionTimeout() {
        var m = makeMachine(timeoutMs: 9_000)
        _ = m.start(now: at(0))
        let (op, body) = getData("/a")
        _ = m.submit(1, op: op, body: body, now: at(0))
        _ = m.submit(2, op: op, body: body, now: at(5_000))
        #expect(m.tick(now: at(8_999)) == .none)
        #expect(m.tick(now: at(9_000)) == .failRequests([1], ZooKeeperError(code: .connectionLoss)))
        #expect(m.tick(now: at(14_000)) == .failRequests([2], ZooKeeperError(code: .connectionLoss)))
        #expect(m.waiting.isEmpty)
    }
}
