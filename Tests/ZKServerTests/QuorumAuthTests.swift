import NIOCore
import Testing
import ZKProtocol
@testable import ZKServer

/// Quorum SASL's two ends, as Apache's SaslQuorumAuthLearner and SaslQuorumAuthServer exchange packets.
@Suite struct QuorumAuthTests {
    /// Runs both ends to completion; returns (dialer's last step, acceptor's last step, packets exchanged).
    static func run(password: String) -> (QuorumAuthStep, QuorumAuthStep, Int) {
        var dialer = QuorumAuthDialer(user: "member", password: password, cnonce: "cnonce")
        var acceptor = QuorumAuthAcceptor(users: ["member": "secret"], nonce: "nonce")
        var toAcceptor: QuorumAuthPacket? = dialer.first
        var packets = 1
        var lastDialer = QuorumAuthStep.send(dialer.first)
        while let packet = toAcceptor {
            let fromAcceptor = acceptor.received(packet)
            let reply: QuorumAuthPacket?
            switch fromAcceptor {
            case .send(let p): reply = p
            case .done(let p), .failed(let p, _): reply = p
            }
            guard let reply else { return (lastDialer, fromAcceptor, packets) }
            packets += 1
            lastDialer = dialer.received(reply)
            switch lastDialer {
            case .send(let p): toAcceptor = p; packets += 1
            default: return (lastDialer, fromAcceptor, packets)
            }
        }
        return (lastDialer, .failed(nil, "no packet"), packets)
    }

    @Test func theRightPasswordTakesFourPackets() {
        let (dialer, acceptor, packets) = Self.run(password: "secret")
        #expect(dialer == .done(nil))
        guard case .done(let success?) = acceptor else { Issue.record("acceptor: \(acceptor)"); return }
        #expect(success.status == QuorumAuthPacket.Status.success.rawValue && success.token?.starts(with: Array("rspauth=".utf8)) == true)
        #expect(packets == 4)
    }

    @Test func aWrongPasswordGetsErrorOnBothEnds() {
        let (dialer, acceptor, _) = Self.run(password: "guess")
        guard case .failed(let error?, _) = acceptor else { Issue.record("acceptor: \(acceptor)"); return }
        #expect(error.status == QuorumAuthPacket.Status.error.rawValue)
        guard case .failed = dialer else { Issue.record("dialer: \(dialer)"); return }
    }

    @Test func packetsAreReadWholeFromAStream() throws {
        let packet = QuorumAuthPacket(status: .inProgress, token: Array("abc".utf8))
        let bytes = packet.encodedBytes()
        var buffer = ByteBuffer()
        for (i, byte) in bytes.enumerated() {
            #expect(try QuorumAuthPacket.next(from: &buffer) == nil, "after \(i) bytes")
            buffer.writeInteger(byte)
            if i == 7 { #expect(QuorumAuthPacket.isNext(in: buffer) == true) }
        }
        #expect(try QuorumAuthPacket.next(from: &buffer) == packet)
        var notAuth = ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(QuorumAuthPacket.isNext(in: notAuth) == false)
        var huge = ByteBuffer()
        huge.writeInteger(QuorumAuthPacket.magic); huge.writeInteger(Int32(0)); huge.writeInteger(Int32(1 << 30))
        #expect(throws: (any Error).self) { try QuorumAuthPacket.next(from: &huge) }
        _ = notAuth.readInteger(as: Int64.self)
    }
}
