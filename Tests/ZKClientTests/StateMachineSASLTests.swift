import NIOCore
import Testing
@testable import ZKClient
import ZKJute
import ZKProtocol
import ZKSecurity

/// SASL DIGEST-MD5 after the handshake, as Apache's ZooKeeperSaslClient: nothing else goes out until the
/// exchange ends, and a refusal ends the session with AuthFailed.
@Suite struct StateMachineSASLTests {
    static func machine() -> Machine {
        Machine(configuration: .init(hosts: [host1], sessionTimeoutMs: 9_000, sasl: SASLCredentials(username: "u", password: "p")),
                nextXid: 1)
    }

    /// The SASL request in an action, with its token.
    static func saslToken(_ action: Machine.Action) -> (xid: Int32, token: [UInt8])? {
        guard case .send(let request) = action, case .sasl(let record) = request.body else { return nil }
        return (request.xid, record.bytes)
    }

    static func saslReply(xid: Int32, err: ErrorCode = .ok, token: [UInt8]?) -> ByteBuffer {
        var buffer = ByteBuffer()
        ReplyHeader(xid: xid, zxid: 0, err: err).encode(into: &buffer)
        buffer.writeJuteBuffer(token)
        return buffer
    }

    @Test func theSessionIsUsableOnlyOnceTheServerProvesItself() throws {
        var m = Self.machine()
        _ = m.start(now: at(0))
        _ = m.channelActive(now: at(0), cnonce: "cnonce")
        let first = try #require(Self.saslToken(m.frameReceived(handshakeFrame(), now: at(1))))
        #expect(first.token.isEmpty && m.state == .authenticating(since: at(1)))
        // A request made now waits for the exchange.
        #expect(m.submit(7, op: .exists, body: .exists(ExistsRequest(path: "/", watch: false)), now: at(2)) == .none)

        var server = DigestMD5Server(nonce: "n") { $0 == "u" ? "p" : nil }
        guard case .challenge(let challenge) = try server.evaluate(first.token) else { Issue.record("no challenge"); return }
        let second = try #require(Self.saslToken(m.frameReceived(Self.saslReply(xid: first.xid, token: challenge), now: at(3))))
        guard case .complete(let user, let rspauth) = try server.evaluate(second.token) else { Issue.record("not accepted"); return }
        #expect(user == "u")
        guard case .sessionEstablished(.state(.connected), let send) = m.frameReceived(Self.saslReply(xid: second.xid, token: rspauth), now: at(4)) else {
            Issue.record("the session is not usable"); return
        }
        #expect(send.map(\.opCode) == [.exists] && m.state == .connected)
    }

    @Test func aRefusalEndsTheSessionWithAuthFailed() throws {
        var m = Self.machine()
        _ = m.start(now: at(0))
        _ = m.channelActive(now: at(0), cnonce: "c")
        let first = try #require(Self.saslToken(m.frameReceived(handshakeFrame(), now: at(1))))
        guard case .terminate(_, let error, .state(.authFailed), _) = m.frameReceived(Self.saslReply(xid: first.xid, err: .authFailed, token: nil), now: at(2)) else {
            Issue.record("not terminated"); return
        }
        #expect(error.code == .authFailed && m.sessionState == .authFailed)
    }

    @Test func aServerThatCannotProveThePasswordIsRefused() throws {
        var m = Self.machine()
        _ = m.start(now: at(0))
        _ = m.channelActive(now: at(0), cnonce: "c")
        let first = try #require(Self.saslToken(m.frameReceived(handshakeFrame(), now: at(1))))
        let challenge = Array(#"realm="zk-sasl-md5",nonce="n",charset=utf-8,algorithm=md5-sess"#.utf8)
        let second = try #require(Self.saslToken(m.frameReceived(Self.saslReply(xid: first.xid, token: challenge), now: at(2))))
        let forged = Array("rspauth=00000000000000000000000000000000".utf8)
        guard case .terminate(_, _, .state(.authFailed), _) = m.frameReceived(Self.saslReply(xid: second.xid, token: forged), now: at(3)) else {
            Issue.record("a forged rspauth was accepted"); return
        }
    }

    @Test func aStalledExchangeTimesOutLikeAHandshake() throws {
        var m = Self.machine()
        _ = m.start(now: at(0))
        _ = m.channelActive(now: at(0), cnonce: "c")
        _ = m.frameReceived(handshakeFrame(), now: at(1))
        #expect(m.tick(now: at(6_002)) == .closeChannel)
    }
}
