import Testing
import ZKZab

@Suite struct CodecTests {
    static let messages: [ZabMessage] = [
        .request([1, 2, 3]), .proposal(LogEntry(zxid: Zxid(epoch: 2, counter: 9), payload: [9, 8])),
        .ack(Zxid(epoch: 2, counter: 9)), .commit(Zxid(epoch: 2, counter: 9)), .ping(Zxid(epoch: 1, counter: 1)),
        .inform(LogEntry(zxid: Zxid(epoch: 3, counter: 1), payload: [])), .newLeader(Zxid(epoch: 4, counter: 0)),
        .followerInfo(Zxid(epoch: 3, counter: 0)), .upToDate, .diff(Zxid(epoch: 2, counter: 2)),
        .trunc(Zxid(epoch: 1, counter: 7)), .snap(Snapshot(zxid: Zxid(epoch: 1, counter: 2), data: [0xAA])),
        .observerInfo(Zxid(epoch: 3, counter: 0)), .leaderInfo(Zxid(epoch: 4, counter: 0)),
        .ackEpoch(lastZxid: Zxid(epoch: 2, counter: 5), currentEpoch: -1),
    ]

    @Test(arguments: messages)
    func quorumPacketsRoundTrip(_ message: ZabMessage) throws {
        let packet = try #require(message.quorumPacket(sender: 7))
        #expect(packet.type == message.packetType?.rawValue)
        let decoded = try QuorumPacket(decoding: packet.encoded())
        #expect(decoded == packet)
        #expect(try ZabMessage(packet: decoded) == message)
    }

    @Test func quorumPacketLayoutIsJute() throws {
        let packet = QuorumPacket(type: 3, zxid: 0x1_0000_0002, data: nil, authinfo: [QuorumAuthID(scheme: "ip", id: "x")])
        #expect(packet.encoded() == [
            0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff,
            0, 0, 0, 1, 0, 0, 0, 2, 0x69, 0x70, 0, 0, 0, 1, 0x78,
        ])
        #expect(try QuorumPacket(decoding: packet.encoded()) == packet)
    }

    @Test func notificationsRoundTripInApacheLayout() throws {
        let n = Notification(state: .following, vote: Vote(leader: 3, zxid: Zxid(epoch: 2, counter: 1), electionEpoch: 5, peerEpoch: 2))
        let bytes = n.encoded()
        #expect(bytes.count == 44)
        #expect(Array(bytes[0..<4]) == [0, 0, 0, 1])
        #expect(try Notification(decoding: bytes) == n)
        // Version-0 senders stop after peerEpoch.
        #expect(try Notification(decoding: Array(bytes[0..<36])) == n)
    }

    /// Hostile input ends in an error, never a trap.
    @Test func everyPrefixAndRandomBytesDecodeSafely() {
        let bytes = ZabMessage.ackEpoch(lastZxid: Zxid(epoch: 2, counter: 5), currentEpoch: 3).quorumPacket(sender: 1)?.encoded() ?? []
        for cut in 0..<bytes.count { #expect(throws: ZabCodecError.self) { try QuorumPacket(decoding: Array(bytes[0..<cut])) } }
        var state: UInt64 = 0x5EED
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let count = Int(state >> 58)
            var random: [UInt8] = []
            for i in 0..<count { random.append(UInt8(truncatingIfNeeded: state >> UInt64(i % 56))) }
            if let packet = try? QuorumPacket(decoding: random) {
                #expect((try? QuorumPacket(decoding: packet.encoded())) == packet)
                _ = try? ZabMessage(packet: packet)
            }
            _ = try? Notification(decoding: random)
        }
        #expect(throws: ZabCodecError.self) { try QuorumPacket(decoding: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff]) }
    }
}
