import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// The peer-wire codecs on their own: round trips, every cut point, drip feed, hostile lengths, fuzz.
@Suite struct QuorumWireTests {
    static let decoder = QuorumPacketDecoder()

    /// Feeds `stream` in chunks, draining every complete packet after each chunk; all bytes must be used.
    static func feed(_ stream: [UInt8], chunkSizes: some Sequence<Int>, decoder: QuorumPacketDecoder = decoder) throws -> [QuorumPacket] {
        var buffer = ByteBuffer()
        var packets: [QuorumPacket] = []
        var offset = 0
        for size in chunkSizes where offset < stream.count {
            let end = min(stream.count, offset + max(1, size))
            buffer.writeBytes(stream[offset..<end])
            offset = end
            while let packet = try decoder.nextPacket(from: &buffer) { packets.append(packet) }
        }
        precondition(offset == stream.count, "chunk sizes ran out")
        #expect(buffer.readableBytes == 0, "bytes left after the last packet")
        return packets
    }

    static func int(_ v: Int32) -> [UInt8] { var b = ByteBuffer(); b.writeJuteInt(v); return b.allBytes }
    static func long(_ v: Int64) -> [UInt8] { var b = ByteBuffer(); b.writeJuteLong(v); return b.allBytes }

    /// Packets beyond the golden ones: null versus empty data and authinfo, unknown type, odd zxids.
    static let extraPackets: [QuorumPacket] = [
        QuorumPacket(type: 99, zxid: Int64.min),
        QuorumPacket(.ack, zxid: Int64.max, bytes: [], authinfo: []),
        QuorumPacket(.request, zxid: -1, bytes: [0], authinfo: [Id(scheme: "", id: ""), .anyone]),
        QuorumPacket(.proposal, zxid: 1, bytes: Array(repeating: 0xab, count: 300), authinfo: nil),
    ]

    static let allPackets: [QuorumPacket] = Array(PeerSamples.packets.values) + extraPackets

    // MARK: Numbers and round trips

    @Test func packetTypesCarryApacheNumbers() {
        let apache: [(String, Int32)] = [
            ("REQUEST", 1), ("PROPOSAL", 2), ("ACK", 3), ("COMMIT", 4), ("PING", 5), ("REVALIDATE", 6), ("SYNC", 7),
            ("INFORM", 8), ("COMMITANDACTIVATE", 9), ("NEWLEADER", 10), ("FOLLOWERINFO", 11), ("UPTODATE", 12), ("DIFF", 13),
            ("TRUNC", 14), ("SNAP", 15), ("OBSERVERINFO", 16), ("LEADERINFO", 17), ("ACKEPOCH", 18), ("INFORMANDACTIVATE", 19),
        ]
        #expect(QuorumPacketType.allCases.map { ($0.description, $0.rawValue) }.elementsEqual(apache, by: ==))
        #expect(QuorumPacket(type: 0, zxid: 0).packetType == nil && QuorumPacket(type: 20, zxid: 0).packetType == nil)
    }

    @Test func electionConstantsMatchApache() {
        #expect(ElectionInitialMessage.protocolVersion1 == -65536 && ElectionInitialMessage.protocolVersion2 == -65535)
        #expect(ElectionInitialMessage.maxAddressLength == 2048 && ElectionFraming.maxMessageLength == 524_288)
        #expect(ElectionNotification.currentVersion == 2 && LearnerInfo.zab10ProtocolVersion == 0x10000)
        #expect(QuorumPacketDecoder().maxBufferLength == 0xfffff * 2)
        #expect(QuorumPacketDecoder(juteMaxBuffer: 4096, extraMaxBuffer: 10).maxBufferLength == 4096 + 1024)
    }

    @Test(arguments: allPackets)
    func packetRoundTrips(_ packet: QuorumPacket) throws {
        try expectRoundTrip(packet)
        var stream = ByteBuffer(bytes: packet.encodedBytes())
        #expect(try Self.decoder.nextPacket(from: &stream) == packet)
    }

    @Test func payloadsRoundTrip() throws {
        try expectRoundTrip(PeerSamples.learnerInfo, size: 20)
        try expectRoundTrip(LeaderInfoData(), size: 4)
        try expectRoundTrip(AckEpochData(currentEpoch: -1), size: 4)
        try expectRoundTrip(DesignatedLeaderData(designatedLeader: Int64.min), size: 8)
        try expectRoundTrip(RevalidateRequest(sessionId: -5, timeout: Int32.max), size: 12)
        try expectRoundTrip(RevalidateReply(sessionId: 5, valid: false), size: 9)
        for count in [0, 1, 3] {
            let sessions = (0..<count).map { SessionTouch(sessionId: Int64($0) << 40 | 7, timeout: Int32($0 * 1000)) }
            try expectRoundTrip(SessionTouches(sessions: sessions), size: 12 * count)
        }
        try expectRoundTrip(LearnerRequest(sessionId: 1, cxid: -2, type: -11, request: []), size: 16)
        try expectRoundTrip(LearnerRequest(sessionId: 1, cxid: 2, type: 4, request: Samples.data), size: 16 + Samples.data.count)
        try expectRoundTrip(PeerSamples.txnWithDigest)
        try expectRoundTrip(InformAndActivateData(designatedLeader: 3, txn: PeerSamples.reconfigTxn))
        try expectRoundTrip(QuorumAuthPacket(status: .error, token: nil), size: 16)
        try expectRoundTrip(QuorumAuthPacket(magic: 0, status: 7, token: []), size: 16)
    }

    @Test(arguments: ElectionNotification.Layout.allCases)
    func notificationRoundTripsInEveryLayout(_ layout: ElectionNotification.Layout) throws {
        let vote = ElectionNotification(state: .following, leader: -3, zxid: 0x7fff_ffff_0000_0001, electionEpoch: Int64.max,
                                        peerEpoch: 0x7fff_ffff, config: "server.1=a:1:2\nversion=0")
        let bytes = vote.encodedBytes(layout: layout)
        #expect(ElectionNotification.layout(forLength: bytes.count) == layout)
        let decoded = try ElectionNotification(message: bytes)
        #expect(decoded.encodedBytes(layout: layout) == bytes)
        switch layout {
        case .current: #expect(decoded == vote)
        case .withoutVersion: #expect(decoded.peerEpoch == vote.peerEpoch && decoded.version == 0 && decoded.config == nil)
        case .withoutPeerEpoch: #expect(decoded.peerEpoch == 0x7fff_ffff && decoded.version == 0 && decoded.config == nil)
        }
    }

    @Test func notificationReadsLikeFastLeaderElection() throws {
        let vote = ElectionNotification(state: .looking, leader: 1, zxid: 2, electionEpoch: 3, peerEpoch: 4, config: "x")
        // Version 1 (3.4.6+ sent it, in 44 bytes here): no config is read, the rest is ignored.
        var v1 = vote; v1.version = 1
        #expect(try ElectionNotification(message: v1.encodedBytes()).config == nil)
        // Trailing bytes after the config are ignored.
        #expect(try ElectionNotification(message: vote.encodedBytes() + [9, 9, 9]) == vote)
        // The 28-byte form takes the peer epoch from the zxid, arithmetically shifted as Java does.
        var old = vote; old.zxid = -1
        #expect(try ElectionNotification(message: old.encodedBytes(layout: .withoutPeerEpoch)).peerEpoch == -1)
        // Unknown states are kept raw; Apache skips such a vote.
        var odd = vote; odd.state = 7
        #expect(try ElectionNotification(message: odd.encodedBytes()).serverState == nil)
    }

    @Test func initialMessagesRoundTrip() throws {
        let samples = Array(PeerSamples.initialMessages.values) + [
            ElectionInitialMessage(version: .legacy, sid: ElectionInitialMessage.observerSid, addresses: []),
            ElectionInitialMessage(version: .v2, sid: -1, addresses: ["a:1", "", "b:2"]),
            ElectionInitialMessage(version: .v1, sid: 0, addresses: [String(repeating: "h", count: 2043) + ":1234"]),
        ]
        for message in samples {
            var stream = ByteBuffer(bytes: message.encodedBytes() + [0xee])
            #expect(try ElectionInitialMessage.decode(from: &stream) == message)
            #expect(stream.allBytes == [0xee], "only the initial message is consumed")
        }
    }

    @Test func hostAndPortFollowsConfigUtils() {
        #expect(ElectionInitialMessage.hostAndPort("10.0.0.1:3888").map { "\($0.host) \($0.port)" } == "10.0.0.1 3888")
        #expect(ElectionInitialMessage.hostAndPort("[fe80::1]:3888").map { "\($0.host) \($0.port)" } == "fe80::1 3888")
        for bad in ["", "host", "host:", "host:x", "a:1:2", "[::1]", "[::1]3888", "h:70000", "h:-1"] {
            #expect(ElectionInitialMessage.hostAndPort(bad) == nil, "\(bad)")
        }
    }

    @Test func learnerInfoIsReadByLength() {
        let full = PeerSamples.learnerInfo.encodedBytes()
        #expect(ReceivedLearnerInfo(data: nil) == ReceivedLearnerInfo(sid: nil, protocolVersion: 1, configVersion: nil))
        #expect(ReceivedLearnerInfo(data: []) == ReceivedLearnerInfo(sid: 0, protocolVersion: 1, configVersion: nil))
        #expect(ReceivedLearnerInfo(data: Array(full[..<8])) == ReceivedLearnerInfo(sid: 3, protocolVersion: 1, configVersion: nil))
        #expect(ReceivedLearnerInfo(data: Array(full[..<12])) == ReceivedLearnerInfo(sid: 3, protocolVersion: 0x10000, configVersion: nil))
        #expect(ReceivedLearnerInfo(data: Array(full[..<19])).configVersion == nil)
        #expect(ReceivedLearnerInfo(data: full + [1]).configVersion == 0x100000000)
        #expect(!ReceivedLearnerInfo(data: Array(full[..<8])).speaksZab10 && ReceivedLearnerInfo(data: full).speaksZab10)
    }

    @Test func zxidHelpersMatchZxidUtils() {
        #expect(ZxidUtils.make(epoch: 5, counter: 7) == 0x500000007)
        #expect(ZxidUtils.make(epoch: 1, counter: -1) == 0x1ffffffff)
        #expect(ZxidUtils.epoch(of: 0x600000001) == 6 && ZxidUtils.counter(of: 0x600000001) == 1)
        #expect(ZxidUtils.epoch(of: -1) == -1)
    }

    @Test func txnDigestIsTwelveBytesOrNothing() throws {
        let decode = { (b: inout ByteBuffer) throws(JuteError) in try CreateTxn(from: &b) }
        var txn = PeerSamples.txnWithDigest
        let full = txn.body
        for extra in 1..<SerializedTxn.digestSize {
            txn.body = Array(full.dropLast(extra))
            #expect(throws: JuteError.self) { try txn.split(decode) }
        }
        txn.body = full + [0]
        #expect(throws: JuteError.trailingBytes(count: 1)) { try txn.split(decode) }
    }

    // MARK: Cut points

    /// Every strict prefix of every packet is "need more bytes" to the stream decoder, leaves the buffer
    /// alone, and is a JuteError (not a trap) to the record decoder.
    @Test(arguments: allPackets)
    func everyPacketCutNeedsMoreBytes(_ packet: QuorumPacket) throws {
        let bytes = packet.encodedBytes()
        for cut in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            #expect(try Self.decoder.nextPacket(from: &buffer) == nil, "cut \(cut)")
            #expect(buffer.readerIndex == 0 && buffer.readableBytes == cut)
            #expect(throws: JuteError.self, "cut \(cut)") { try decodeRecord(QuorumPacket.self, Array(bytes[..<cut])) }
        }
    }

    @Test func everyElectionCutNeedsMoreBytes() throws {
        for message in PeerSamples.initialMessages.values {
            let bytes = message.encodedBytes()
            for cut in 0..<bytes.count {
                var buffer = ByteBuffer(bytes: bytes[..<cut])
                #expect(try ElectionInitialMessage.decode(from: &buffer) == nil, "cut \(cut)")
                #expect(buffer.readableBytes == cut)
            }
        }
        let frame = try #require(PeerGolden.bytes("election-frame", "observing"))
        for cut in 0..<frame.count {
            var buffer = ByteBuffer(bytes: frame[..<cut])
            #expect(try ElectionFraming.nextMessage(from: &buffer) == nil, "cut \(cut)")
            #expect(buffer.readableBytes == cut)
        }
    }

    /// A notification is a whole message, so a short one is not "more to come": every prefix either
    /// throws or, at exactly 28 or 40 bytes, is read as the older layout of that size, as Apache does.
    @Test(arguments: PeerGolden.entries("notification"))
    func everyNotificationCutThrowsOrIsAnOlderLayout(_ entry: PeerGoldenEntry) throws {
        let full = try ElectionNotification(message: entry.bytes)
        for cut in 0..<entry.bytes.count {
            let prefix = Array(entry.bytes[..<cut])
            if cut == 28 || cut == 40 {
                let old = try ElectionNotification(message: prefix)
                #expect(old.leader == full.leader && old.zxid == full.zxid && old.version == 0 && old.config == nil)
            } else if cut > 40 && full.version <= 1 {
                #expect(try ElectionNotification(message: prefix).config == nil)
            } else {
                #expect(throws: JuteError.self, "cut \(cut)") { try ElectionNotification(message: prefix) }
            }
        }
    }

    @Test func everyFixedPayloadCutThrows() throws {
        let samples: [(String, [UInt8], ([UInt8]) throws -> Void)] = [
            ("LearnerInfo", PeerSamples.learnerInfo.encodedBytes(), { _ = try decodeRecord(LearnerInfo.self, $0) }),
            ("LeaderInfoData", LeaderInfoData().encodedBytes(), { _ = try decodeRecord(LeaderInfoData.self, $0) }),
            ("AckEpochData", AckEpochData(currentEpoch: 1).encodedBytes(), { _ = try decodeRecord(AckEpochData.self, $0) }),
            ("DesignatedLeaderData", DesignatedLeaderData(designatedLeader: 1).encodedBytes(), { _ = try decodeRecord(DesignatedLeaderData.self, $0) }),
            ("RevalidateRequest", RevalidateRequest(sessionId: 1, timeout: 2).encodedBytes(), { _ = try decodeRecord(RevalidateRequest.self, $0) }),
            ("RevalidateReply", RevalidateReply(sessionId: 1, valid: true).encodedBytes(), { _ = try decodeRecord(RevalidateReply.self, $0) }),
            ("QuorumAuthPacket", QuorumAuthPacket(status: .success, token: [1, 2]).encodedBytes(), { _ = try decodeRecord(QuorumAuthPacket.self, $0) }),
            ("LearnerRequest header", Array(LearnerRequest(sessionId: 1, cxid: 2, type: 3, request: []).encodedBytes()), {
                _ = try decodeRecord(LearnerRequest.self, $0) }),
            ("SerializedTxn header", TxnHeader(clientId: 1, cxid: 2, zxid: 3, time: 4, type: 5).encodedBytes(), {
                _ = try decodeRecord(SerializedTxn.self, $0) }),
        ]
        for (name, bytes, decode) in samples {
            try decode(bytes)
            for cut in 0..<bytes.count {
                #expect(throws: JuteError.self, "\(name) cut \(cut)") { try decode(Array(bytes[..<cut])) }
            }
        }
        // The session list has no count: whole pairs are a shorter list, anything else is truncated.
        let touches = SessionTouches(sessions: [SessionTouch(sessionId: 1, timeout: 2), SessionTouch(sessionId: 3, timeout: 4)]).encodedBytes()
        for cut in 0..<touches.count {
            let prefix = Array(touches[..<cut])
            if cut % 12 == 0 { #expect(try decodeRecord(SessionTouches.self, prefix).sessions.count == cut / 12) } else {
                #expect(throws: JuteError.self) { try decodeRecord(SessionTouches.self, prefix) }
            }
        }
    }

    @Test func signatureCutsNeedMoreBytes() {
        var out = ByteBuffer()
        SnapTransfer.writeSignature(into: &out)
        let bytes = out.allBytes
        for cut in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            #expect(SnapTransfer.readSignature(from: &buffer) == .needMoreBytes)
            #expect(buffer.readableBytes == cut)
        }
        var wrong = ByteBuffer(bytes: Self.int(10) + Array("BenWasHare".utf8))
        #expect(SnapTransfer.readSignature(from: &wrong) == .invalid)
        var long = ByteBuffer(bytes: Self.int(Int32.max))
        #expect(SnapTransfer.readSignature(from: &long) == .invalid)
    }

    // MARK: Drip feed

    @Test func extraPacketsDripFeed() throws {
        let stream = Self.allPackets.flatMap { $0.encodedBytes() }
        #expect(try Self.feed(stream, chunkSizes: repeatElement(1, count: stream.count)) == Self.allPackets)
        #expect(try Self.feed(stream, chunkSizes: [stream.count]) == Self.allPackets)
    }

    @Test func electionStreamDripFeeds() throws {
        let initial = try #require(PeerSamples.initialMessages["v2"])
        let votes = PeerSamples.notifications.values.filter { $0.version > 1 }
        var out = ByteBuffer()
        initial.encode(into: &out)
        for vote in votes { ElectionFraming.writeMessage(vote.encodedBytes(), into: &out) }
        var buffer = ByteBuffer()
        var gotInitial: ElectionInitialMessage?
        var gotVotes: [ElectionNotification] = []
        for byte in out.allBytes {
            buffer.writeInteger(byte)
            if gotInitial == nil { gotInitial = try ElectionInitialMessage.decode(from: &buffer); continue }
            if let message = try ElectionFraming.nextMessage(from: &buffer) { gotVotes.append(try ElectionNotification(message: message)) }
        }
        #expect(gotInitial == initial && gotVotes == votes && buffer.readableBytes == 0)
    }

    // MARK: Hostile lengths

    static let header = Self.int(QuorumPacketType.request.rawValue) + Self.long(-1)

    @Test(arguments: [Int32(-2), -100, Int32.min, Int32.max, Int32(0xfffff * 2 + 1)])
    func hostileDataLengthIsRefusedBeforeTheDataArrives(_ length: Int32) {
        var buffer = ByteBuffer(bytes: Self.header + Self.int(length))
        #expect(throws: JuteError.invalidLength(field: "QuorumPacket.data", length: length)) { try Self.decoder.nextPacket(from: &buffer) }
    }

    @Test func largestAcceptedDataLengthWaits() throws {
        var buffer = ByteBuffer(bytes: Self.header + Self.int(Int32(0xfffff * 2)))
        #expect(try Self.decoder.nextPacket(from: &buffer) == nil)
        let small = QuorumPacketDecoder(maxBufferLength: 8)
        var ok = ByteBuffer(bytes: QuorumPacket(.ack, zxid: 1, bytes: Array(repeating: 1, count: 8)).encodedBytes())
        #expect(try small.nextPacket(from: &ok) != nil)
        var tooBig = ByteBuffer(bytes: QuorumPacket(.ack, zxid: 1, bytes: Array(repeating: 1, count: 9)).encodedBytes())
        #expect(throws: JuteError.self) { try small.nextPacket(from: &tooBig) }
    }

    @Test func hostileAuthInfoIsRefused() {
        let noData = Self.header + Self.int(-1)
        for count: Int32 in [-2, Int32.min, 1025, Int32.max] {
            var buffer = ByteBuffer(bytes: noData + Self.int(count))
            #expect(throws: JuteError.invalidLength(field: "QuorumPacket.authinfo", length: count)) { try Self.decoder.nextPacket(from: &buffer) }
        }
        for length: Int32 in [-2, Int32.max] {
            var scheme = ByteBuffer(bytes: noData + Self.int(1) + Self.int(length))
            #expect(throws: JuteError.invalidLength(field: "Id.scheme", length: length)) { try Self.decoder.nextPacket(from: &scheme) }
            var id = ByteBuffer(bytes: noData + Self.int(1) + Self.int(0) + Self.int(length))
            #expect(throws: JuteError.invalidLength(field: "Id.id", length: length)) { try Self.decoder.nextPacket(from: &id) }
        }
    }

    @Test func hostileElectionLengthsAreRefused() throws {
        for length: Int32 in [0, -1, Int32.min, 512 * 1024 + 1, Int32.max] {
            var buffer = ByteBuffer(bytes: Self.int(length))
            #expect(throws: JuteError.self, "\(length)") { try ElectionFraming.nextMessage(from: &buffer) }
        }
        var largest = ByteBuffer(bytes: Self.int(512 * 1024))
        #expect(try ElectionFraming.nextMessage(from: &largest) == nil)

        for version: Int64 in [-1, -65537, -65534, Int64.min] {
            var buffer = ByteBuffer(bytes: Self.long(version))
            #expect(throws: JuteError.invalidValue(field: "InitialMessage.protocolVersion", value: version)) {
                try ElectionInitialMessage.decode(from: &buffer)
            }
        }
        for length: Int32 in [0, -1, 2049, Int32.max] {
            var buffer = ByteBuffer(bytes: Self.long(ElectionInitialMessage.protocolVersion1) + Self.long(1) + Self.int(length))
            #expect(throws: JuteError.invalidLength(field: "InitialMessage.addresses", length: length)) {
                try ElectionInitialMessage.decode(from: &buffer)
            }
        }
        var largest2 = ByteBuffer(bytes: Self.long(ElectionInitialMessage.protocolVersion2) + Self.long(1) + Self.int(2048))
        #expect(try ElectionInitialMessage.decode(from: &largest2) == nil)
    }

    @Test func hostileConfigLengthIsRefused() throws {
        let vote = ElectionNotification(state: .looking, leader: 1, zxid: 2, electionEpoch: 3, peerEpoch: 4, config: "abc")
        let head = Array(vote.encodedBytes().prefix(40))
        for length: Int32 in [-1, Int32.min, 49, Int32.max] {  // the message is 48 bytes
            let message = head + Self.int(length) + Array(repeating: 0, count: 4)
            #expect(throws: JuteError.invalidLength(field: "notification.config", length: length)) {
                try ElectionNotification(message: message)
            }
        }
        // Within the message but past its end: cut short, as Apache's BufferUnderflowException.
        #expect(throws: JuteError.truncated(field: "notification.config")) {
            try ElectionNotification(message: head + Self.int(10) + [1, 2])
        }
        #expect(throws: JuteError.self) { try ElectionNotification(message: Array(repeating: 0, count: 27)) }
    }

    // MARK: Fuzz

    /// Random bytes and mutated golden packets: the decoder never traps; whatever it accepts is stable
    /// under re-encoding, and re-encodes to exactly the bytes it consumed unless a mutation made an Id
    /// string invalid UTF-8 (decoded, as Java's new String(b, UTF_8) does, with U+FFFD replacements).
    @Test func fuzzPacketDecoder() throws {
        var rng = XorShift(seed: 0x9EE2_F022)
        let goldens = PeerGolden.entries("packet").map(\.bytes)
        let small = QuorumPacketDecoder(maxBufferLength: 4096, maxAuthInfoCount: 16)
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = rng.bytes(count: Int(rng.next() % 64))
            } else {
                bytes = goldens[Int(rng.next() % UInt64(goldens.count))]
                for _ in 0..<(1 + Int(rng.next() % 4)) where !bytes.isEmpty {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                if rng.next() % 4 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1)))) }
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                if let packet = try small.nextPacket(from: &buffer) {
                    let used = Array(bytes[..<(bytes.count - buffer.readableBytes)])
                    #expect(try decodeRecord(QuorumPacket.self, packet.encodedBytes()) == packet, "round \(round)")
                    let replaced = packet.authinfo?.contains { ($0.scheme + $0.id).contains("\u{FFFD}") } ?? false
                    if !replaced { #expect(packet.encodedBytes() == used, "round \(round)") }
                } else {
                    #expect(buffer.readableBytes == bytes.count)
                }
            } catch {
                // A JuteError by the typed throw; nothing else to check.
            }
        }
    }

    @Test func fuzzElectionDecoders() throws {
        var rng = XorShift(seed: 0x9EE2_E1EC)
        let votes = PeerGolden.entries("notification").map(\.bytes)
        for round in 0..<3000 {
            var bytes = votes[Int(rng.next() % UInt64(votes.count))]
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            if round % 2 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1)))) }
            if let vote = try? ElectionNotification(message: bytes), bytes.count != 28, bytes.count != 40, vote.version > 1 {
                #expect(vote.encodedBytes() == Array(bytes.prefix(vote.encodedBytes().count)), "round \(round)")
            }
            var stream = ByteBuffer(bytes: rng.bytes(count: Int(rng.next() % 40)))
            if round % 2 == 0, stream.readableBytes >= 8 { stream.setInteger(ElectionInitialMessage.protocolVersion1, at: 0) }
            if let message = try? ElectionInitialMessage.decode(from: &stream) {
                #expect(message.version == .legacy || !message.addresses.isEmpty)
            }
            _ = try? ElectionFraming.nextMessage(from: &stream, maxMessageLength: 64)
        }
    }
}
