import NIOCore
import NIOEmbedded
import Testing
@testable import ZKClient
import ZKProtocol

/// Written and read on the embedded loop's thread only.
final class ResultBox<T>: @unchecked Sendable { var result: Result<T, any Error>? }

/// The handler and the connection shell over EmbeddedChannel: virtual time, no sockets, no threads.
@Suite struct ClientConnectionEmbeddedTests {
    final class Channels: @unchecked Sendable {
        var opened: [(HostPort, EmbeddedChannel)] = []
    }

    func makeConnection(hosts: [HostPort] = [host1, host2], loop: EmbeddedEventLoop, channels: Channels) -> ClientConnection {
        let configuration = ClientConnectionStateMachine.Configuration(hosts: hosts, sessionTimeoutMs: 9_000)
        return ClientConnection(configuration: configuration, eventLoop: loop, connector: { host, _, initializer in
            let channel = EmbeddedChannel(loop: loop)
            channels.opened.append((host, channel))
            return initializer(channel).flatMap {
                channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 2181))
            }.map { channel }
        }, tickInterval: .milliseconds(100))
    }

    /// Splits what the client wrote into frames.
    func frames(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var frames: [ByteBuffer] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            while let frame = try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 1 << 20) { frames.append(frame) }
            #expect(buffer.readableBytes == 0)
        }
        return frames
    }

    /// The result of a future of the embedded loop, if it completed (embedded futures complete synchronously).
    func outcome<T: Sendable>(_ future: EventLoopFuture<T>) -> Result<T, any Error>? {
        let box = ResultBox<T>()
        future.whenComplete { box.result = $0 }
        return box.result
    }

    func framed(_ body: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeFrame { $0.writeImmutableBuffer(body) }
        return buffer
    }

    func request(_ frame: ByteBuffer) throws -> ClientRequest {
        var frame = frame
        return try ClientRequest(frame: &frame)
    }

    @Test func handshakeRequestsRepliesAndCoalescedWrites() throws {
        let loop = EmbeddedEventLoop()
        let channels = Channels()
        let connection = makeConnection(loop: loop, channels: channels)
        connection.start()
        let channel = try #require(channels.opened.first?.1)
        #expect(channels.opened.first?.0 == host1)

        // The 45-byte handshake, alone in its own write.
        var handshake = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(handshake.readableBytes == 49)
        handshake.moveReaderIndex(forwardBy: 4)
        #expect(try ConnectRequest(from: &handshake).readOnly == false)

        // The answer arrives in two pieces: the frame decoder reassembles it.
        var answer = framed(handshakeFrame(sessionId: 0x77))
        let head = answer.readSlice(length: 10)!
        try channel.writeInbound(head)
        #expect(connection.snapshot.withLockedValue { $0.state } == .connecting)
        try channel.writeInbound(answer)
        let snapshot = connection.snapshot.withLockedValue { $0 }
        #expect(snapshot.state == .connected)
        #expect(snapshot.sessionId == 0x77)
        #expect(snapshot.connectedHost == "zk1:2181")

        // Two requests in the same loop turn: one write holding both frames.
        let first = connection.submit(.getData, .getData(GetDataRequest(path: "/a", watch: false)))
        let second = connection.submit(.sync, .sync(SyncRequest(path: "/")))
        loop.run()
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        var batch = written
        var requests: [ClientRequest] = []
        while let frame = try FrameDecoder.nextFrame(from: &batch, maxFrameLength: 1 << 20) { requests.append(try request(frame)) }
        #expect(requests.map(\.xid) == [1, 2])
        #expect(requests.map(\.opCode) == [.getData, .sync])

        // Both replies in one read.
        var replies = framed(replyFrame(xid: 1, zxid: 10, GetDataResponse(data: [9], stat: Stat())))
        var second2 = framed(replyFrame(xid: 2, zxid: 11, PathRecord(path: "/")))
        replies.writeBuffer(&second2)
        try channel.writeInbound(replies)
        let firstResult = try outcome(first)?.get()
        let secondResult = try outcome(second)?.get()
        #expect(firstResult?.header == ReplyHeader(xid: 1, zxid: 10, err: .ok))
        #expect(secondResult?.header == ReplyHeader(xid: 2, zxid: 11, err: .ok))
        #expect(connection.snapshot.withLockedValue { $0.lastZxid } == 11)

        // Pings go out on the timer after 1/3 of the negotiated timeout.
        loop.advanceTime(by: .milliseconds(3_000))
        let ping = try frames(channel).map(request)
        #expect(ping == [ClientRequest(xid: SpecialXid.ping, op: .ping, body: .ping)])
    }

    @Test func lossFailsInFlightRequestsAndReconnectsToTheNextHost() throws {
        let loop = EmbeddedEventLoop()
        let channels = Channels()
        let connection = makeConnection(loop: loop, channels: channels)
        let events = connection.hub.makeStream()
        connection.start()
        let channel = channels.opened[0].1
        _ = try frames(channel)
        try channel.writeInbound(framed(handshakeFrame(sessionId: 0x77)))
        let pending = connection.submit(.sync, .sync(SyncRequest(path: "/")))
        loop.run()
        _ = try frames(channel)

        channel.pipeline.fireChannelInactive()
        #expect(throws: ZooKeeperError(code: .connectionLoss)) { try outcome(pending)?.get() }
        #expect(channels.opened.count == 2)
        #expect(channels.opened[1].0 == host2)
        #expect(connection.snapshot.withLockedValue { $0.state } == .disconnected)

        // The new channel resumes the session.
        let next = channels.opened[1].1
        var handshake = try #require(try frames(next).first)
        let resumed = try ConnectRequest(from: &handshake)
        #expect(resumed.sessionId == 0x77)

        // A late event from the old channel is ignored.
        try channel.writeInbound(framed(replyFrame(xid: 99)))
        try next.writeInbound(framed(handshakeFrame(sessionId: 0x77)))
        #expect(connection.snapshot.withLockedValue { $0.connectedHost } == "zk2:2182")

        let closed = connection.close()
        loop.run()
        let closeRequest = try frames(next).map(request)
        #expect(closeRequest == [ClientRequest(xid: 2, op: .closeSession, body: .closeSession)])
        try next.writeInbound(framed(replyFrame(xid: 2)))
        #expect(outcome(closed) != nil)
        _ = events
    }

    @Test func expiredSessionEndsTheEventStreams() async throws {
        let loop = EmbeddedEventLoop()
        let channels = Channels()
        let connection = makeConnection(hosts: [host1], loop: loop, channels: channels)
        let events = connection.hub.makeStream()
        connection.start()
        let channel = channels.opened[0].1
        try channel.writeInbound(framed(handshakeFrame(sessionId: 5)))
        channel.pipeline.fireChannelInactive()
        let next = channels.opened[1].1
        try next.writeInbound(framed(handshakeFrame(timeOut: 0, sessionId: 0)))
        var seen: [ClientEvent] = []
        for await event in events { seen.append(event) }
        #expect(seen == [.state(.connected), .state(.disconnected), .state(.expired)])
        #expect(connection.snapshot.withLockedValue { $0.state } == .expired)
        // Streams made afterwards end at once.
        var late: [ClientEvent] = []
        for await event in connection.hub.makeStream() { late.append(event) }
        #expect(late.isEmpty)
    }
}
