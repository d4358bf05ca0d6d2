import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Apache 3.8.0's own bytes (Tests/Golden/peer) decode to the expected values and re-encode byte for byte.
@Suite struct QuorumWireGoldenTests {
    static let decoder = QuorumPacketDecoder()

    @Test func everyGoldenEntryHasAnExpectedValue() {
        #expect(PeerGolden.entries.count >= 40, "golden file missing or short: \(PeerGolden.file.path)")
        let packetLabels = Set(PeerGolden.entries("packet").map(\.label))
        #expect(packetLabels == Set(PeerSamples.packets.keys))
        let notificationLabels = Set((PeerGolden.entries("notification") + PeerGolden.entries("election-frame")).map(\.label))
        #expect(notificationLabels == Set(PeerSamples.notifications.keys))
        #expect(Set(PeerGolden.entries("initial").map(\.label)) == Set(PeerSamples.initialMessages.keys))
    }

    @Test(arguments: PeerGolden.entries("packet"))
    func packetMatchesApache(_ entry: PeerGoldenEntry) throws {
        let expected = try #require(PeerSamples.packets[entry.label])
        #expect(hexString(expected.encodedBytes()) == hexString(entry.bytes))
        #expect(try decodeRecord(QuorumPacket.self, entry.bytes) == expected)
        var stream = ByteBuffer(bytes: entry.bytes)
        #expect(try Self.decoder.nextPacket(from: &stream) == expected)
        #expect(stream.readableBytes == 0)
    }

    /// Each packet's data decodes as its kind's payload and re-encodes to the same bytes.
    @Test func payloadsMatchApache() throws {
        func packet(_ label: String) throws -> QuorumPacket {
            try decodeRecord(QuorumPacket.self, try #require(PeerGolden.bytes("packet", label)))
        }
        let follower = try packet("followerinfo")
        #expect(follower.packetType == .followerInfo && ZxidUtils.epoch(of: follower.zxid) == 5)
        #expect(try follower.payload(LearnerInfo.self) == PeerSamples.learnerInfo)
        #expect(ReceivedLearnerInfo(data: follower.dataBytes) == ReceivedLearnerInfo(sid: 3, protocolVersion: 0x10000, configVersion: 0x100000000))
        #expect(try packet("observerinfo").packetType == .observerInfo)
        let leaderInfo = try packet("leaderinfo")
        #expect(try leaderInfo.payload(LeaderInfoData.self).protocolVersion == 0x10000 && ZxidUtils.epoch(of: leaderInfo.zxid) == 6)
        #expect(try packet("ackepoch").payload(AckEpochData.self) == AckEpochData(currentEpoch: 5))
        #expect(try packet("ackepoch-repeat").payload(AckEpochData.self).isAlreadyAccepted)
        #expect(try packet("newleader").data.map { String(buffer: $0) } == PeerSamples.config)
        #expect(try packet("newleader-old").data == nil)
        #expect(try packet("uptodate").zxid == -1)

        for label in ["proposal", "inform"] {
            let txn = try packet(label).payload(SerializedTxn.self)
            #expect(txn == PeerSamples.txnWithDigest)
            let (record, digest) = try txn.split { (b: inout ByteBuffer) throws(JuteError) in try CreateTxn(from: &b) }
            #expect(record == PeerSamples.createTxn && digest == PeerSamples.digest)
        }
        #expect(try packet("commitandactivate").payload(DesignatedLeaderData.self).designatedLeader == 2)
        let activate = try packet("informandactivate").payload(InformAndActivateData.self)
        #expect(activate.designatedLeader == 2)
        let (reconfig, noDigest) = try activate.txn.split { (b: inout ByteBuffer) throws(JuteError) in try SetDataTxn(from: &b) }
        #expect(reconfig.path == "/zookeeper/config" && noDigest == nil)
        #expect(try packet("ping-leader").data == nil)
        #expect(try packet("ping-learner").payload(SessionTouches.self).sessions.map(\.timeout) == [30000, 4000])
        #expect(try packet("ping-learner-empty").payload(SessionTouches.self).sessions.isEmpty)
        #expect(try packet("revalidate").payload(RevalidateRequest.self) == RevalidateRequest(sessionId: PeerSamples.sessionId, timeout: 30000))
        #expect(try packet("revalidate-reply").payload(RevalidateReply.self) == RevalidateReply(sessionId: PeerSamples.sessionId, valid: true))
        let request = try packet("request-create")
        let forwarded = try request.payload(LearnerRequest.self)
        #expect(forwarded.type == OpCode.create.rawValue && forwarded.cxid == 9)
        #expect(try decodeRecord(CreateRequest.self, forwarded.request).path == "/golden")
        #expect(request.authinfo == PeerSamples.auth)
        #expect(try packet("request-sync").authinfo == [])
        #expect(try packet("request-nobody").payload(LearnerRequest.self).request.isEmpty)
    }

    @Test func txnEntriesMatchMarshallTxnEntry() throws {
        let with = try #require(PeerGolden.bytes("txn", "create-digest"))
        let without = try #require(PeerGolden.bytes("txn", "create-nodigest"))
        #expect(PeerSamples.txnWithDigest.encodedBytes() == with)
        #expect(PeerSamples.txnWithoutDigest.encodedBytes() == without)
        let decoded = try decodeRecord(SerializedTxn.self, without)
        #expect(try decoded.split { (b: inout ByteBuffer) throws(JuteError) in try CreateTxn(from: &b) }.digest == nil)
    }

    @Test func recordsMatchApache() throws {
        #expect(PeerSamples.learnerInfo.encodedBytes() == PeerGolden.bytes("record", "learnerinfo"))
        let auth = QuorumAuthPacket(status: .inProgress, token: [1, 2, 3])
        let golden = try #require(PeerGolden.bytes("record", "quorumauth"))
        #expect(auth.encodedBytes() == golden)
        #expect(try decodeRecord(QuorumAuthPacket.self, golden) == auth)
        #expect(QuorumAuthPacket.nextIsAuth(ByteBuffer(bytes: golden)) == true)
        #expect(QuorumAuthPacket.nextIsAuth(ByteBuffer(bytes: try #require(PeerGolden.bytes("initial", "v1")))) == false)
    }

    @Test(arguments: PeerGolden.entries("notification"))
    func notificationMatchesBuildMsg(_ entry: PeerGoldenEntry) throws {
        let expected = try #require(PeerSamples.notifications[entry.label])
        let decoded = try ElectionNotification(message: entry.bytes)
        #expect(decoded == expected)
        #expect(decoded.encodedBytes(layout: ElectionNotification.layout(forLength: entry.bytes.count)) == entry.bytes)
    }

    @Test func electionFrameMatchesSendWorker() throws {
        let golden = try #require(PeerGolden.bytes("election-frame", "observing"))
        let expected = try #require(PeerSamples.notifications["observing"])
        var out = ByteBuffer()
        ElectionFraming.writeMessage(expected.encodedBytes(), into: &out)
        #expect(out.allBytes == golden)
        var stream = ByteBuffer(bytes: golden)
        let body = try #require(try ElectionFraming.nextMessage(from: &stream))
        #expect(try ElectionNotification(message: body) == expected)
        #expect(stream.readableBytes == 0)
    }

    @Test(arguments: PeerGolden.entries("initial"))
    func initialMessageMatchesQuorumCnxManager(_ entry: PeerGoldenEntry) throws {
        let expected = try #require(PeerSamples.initialMessages[entry.label])
        #expect(expected.encodedBytes() == entry.bytes)
        var stream = ByteBuffer(bytes: entry.bytes)
        #expect(try ElectionInitialMessage.decode(from: &stream) == expected)
        #expect(stream.readableBytes == 0)
        for address in expected.addresses { #expect(ElectionInitialMessage.hostAndPort(address) != nil, "\(address)") }
    }

    @Test func snapSignatureMatchesWriteString() throws {
        let golden = try #require(PeerGolden.bytes("snap-tail", "signature"))
        var out = ByteBuffer()
        SnapTransfer.writeSignature(into: &out)
        #expect(out.allBytes == golden)
        var stream = ByteBuffer(bytes: golden)
        #expect(SnapTransfer.readSignature(from: &stream) == .valid)
        #expect(stream.readableBytes == 0)
    }

    /// All golden packets back to back, as a learner connection carries them, fed one byte at a time
    /// and in random chunks, give the same packets.
    @Test func goldenStreamDripFeeds() throws {
        let packets = PeerGolden.entries("packet")
        let stream = packets.flatMap(\.bytes)
        let expected = try packets.map { try decodeRecord(QuorumPacket.self, $0.bytes) }
        #expect(try QuorumWireTests.feed(stream, chunkSizes: repeatElement(1, count: stream.count)) == expected)
        var rng = XorShift(seed: 0x9EE2_0001)
        for _ in 0..<30 {
            let sizes = (0..<stream.count).map { _ in Int(rng.next() % 37) + 1 }
            #expect(try QuorumWireTests.feed(stream, chunkSizes: sizes) == expected)
        }
    }

    /// SNAP, then (standing in for the snapshot) nothing, then the signature, then NEWLEADER: the
    /// handler switches from the packet decoder to the signature check and back, drip-fed.
    @Test func snapSignatureBetweenPacketsDripFeeds() throws {
        let snap = try #require(PeerGolden.bytes("packet", "snap"))
        let signature = try #require(PeerGolden.bytes("snap-tail", "signature"))
        let newLeader = try #require(PeerGolden.bytes("packet", "newleader"))
        let stream = snap + signature + newLeader
        var buffer = ByteBuffer()
        var phase = 0
        var got: [QuorumPacket] = []
        for byte in stream {
            buffer.writeInteger(byte)
            if phase == 1 {
                switch SnapTransfer.readSignature(from: &buffer) {
                case .needMoreBytes: continue
                case .valid: phase = 2
                case .invalid: Issue.record("signature rejected"); return
                }
            }
            if let packet = try Self.decoder.nextPacket(from: &buffer) {
                got.append(packet)
                if packet.packetType == .snap { phase = 1 }
            }
        }
        #expect(got.map(\.packetType) == [.snap, .newLeader])
        #expect(phase == 2 && buffer.readableBytes == 0)
    }
}
