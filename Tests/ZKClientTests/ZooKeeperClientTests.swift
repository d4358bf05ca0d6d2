import NIOCore
import NIOEmbedded
import Testing
@testable import ZKClient
import ZKProtocol

/// The public API over NIOAsyncTestingChannel: the test plays the server, frame by frame, on virtual time.
@Suite struct ZooKeeperClientTests {
    /// A client with chroot /app whose first channel has answered the handshake.
    func connected(chroot: String? = "/app") async throws -> (ZooKeeperClient, NIOAsyncTestingChannel, NIOAsyncTestingEventLoop) {
        let loop = NIOAsyncTestingEventLoop()
        let (stream, continuation) = AsyncStream<NIOAsyncTestingChannel>.makeStream()
        let configuration = ClientConnectionStateMachine.Configuration(hosts: [host1], chroot: chroot, sessionTimeoutMs: 9_000)
        let connection = ClientConnection(configuration: configuration, eventLoop: loop, connector: { _, _, initializer in
            let channel = NIOAsyncTestingChannel(loop: loop)
            continuation.yield(channel)
            return initializer(channel).flatMap {
                channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 2181))
            }.map { channel }
        }, tickInterval: .hours(1))
        let client = ZooKeeperClient(connection: connection, chroot: chroot)
        connection.start()
        var channels = stream.makeAsyncIterator()
        let channel = try #require(await channels.next())
        _ = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        try await channel.writeInbound(framed(handshakeFrame(sessionId: 0x99)))
        try await connection.waitForFirstSession(timeout: .hours(1)).get()
        return (client, channel, loop)
    }

    func framed(_ body: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeFrame { $0.writeImmutableBuffer(body) }
        return buffer
    }

    /// The next request the client wrote.
    func nextRequest(_ channel: NIOAsyncTestingChannel) async throws -> ClientRequest {
        var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        let frame = try #require(try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 1 << 20))
        #expect(buffer.readableBytes == 0)
        var body = frame
        return try ClientRequest(frame: &body)
    }

    @Test func sessionPropertiesAndFirstEvent() async throws {
        let (client, _, _) = try await connected()
        #expect(client.state == .connected)
        #expect(client.sessionId == 0x99)
        #expect(client.sessionPassword == Array(1...16))
        #expect(client.negotiatedSessionTimeout == 9_000)
        #expect(client.connectedHost == "zk1:2181")
        var events = client.events.makeAsyncIterator()
        #expect(await events.next() == .state(.connected))
    }

    @Test func createPrependsAndStripsTheChroot() async throws {
        let (client, channel, _) = try await connected()
        async let created = client.create("/x", data: [1], mode: .ephemeralSequential)
        let request = try await nextRequest(channel)
        #expect(request == ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(
            path: "/app/x", data: [1], acl: ACL.openACLUnsafe, flags: CreateMode.ephemeralSequential.rawValue))))
        try await channel.writeInbound(framed(replyFrame(xid: 1, zxid: 0x42, PathRecord(path: "/app/x0000000001"))))
        #expect(try await created == "/x0000000001")
        #expect(client.lastZxid == 0x42)
    }

    @Test func create2PicksTheOpcodeByMode() async throws {
        let (client, channel, _) = try await connected(chroot: nil)
        async let container = client.create2("/c", mode: .container)
        #expect(try await nextRequest(channel).opCode == .createContainer)
        try await channel.writeInbound(framed(replyFrame(xid: 1, Create2Response(path: "/c", stat: Stat()))))
        #expect(try await container.path == "/c")

        async let ttl = client.create2("/t", mode: .persistentWithTTL, ttl: 500)
        let request = try await nextRequest(channel)
        #expect(request.body == .createTTL(CreateTTLRequest(path: "/t", data: [], acl: ACL.openACLUnsafe, flags: 5, ttl: 500)))
        try await channel.writeInbound(framed(replyFrame(xid: 2, Create2Response(path: "/t", stat: Stat()))))
        #expect(try await ttl.path == "/t")

        await #expect(throws: ZooKeeperError(code: .badArguments, path: "/t")) {
            try await client.create("/t", mode: .persistentWithTTL)
        }
    }

    @Test func errorsCarryTheClientPathAndExistsNoNodeIsNil() async throws {
        let (client, channel, _) = try await connected()
        async let missing = client.exists("/nope", watch: true)
        #expect(try await nextRequest(channel).body == .exists(ExistsRequest(path: "/app/nope", watch: true)))
        try await channel.writeInbound(framed(replyFrame(xid: 1, err: .noNode)))
        #expect(try await missing == nil)

        let data = Task { try await client.getData("/gone") }
        _ = try await nextRequest(channel)
        try await channel.writeInbound(framed(replyFrame(xid: 2, err: .noNode)))
        await #expect(throws: ZooKeeperError(code: .noNode, path: "/gone")) { try await data.value }
    }

    @Test func failedMultiThrowsTheFirstFailingOp() async throws {
        let (client, channel, _) = try await connected()
        let ops: [MultiOp] = [
            .create(CreateRequest(path: "/a", data: [], acl: ACL.openACLUnsafe, flags: 0), op: .create),
            .delete(DeleteRequest(path: "/b", version: 3)),
        ]
        let result = Task { try await client.multi(ops) }
        let request = try await nextRequest(channel)
        #expect(request.body == .multi(MultiRequest(ops: [
            .create(CreateRequest(path: "/app/a", data: [], acl: ACL.openACLUnsafe, flags: 0), op: .create),
            .delete(DeleteRequest(path: "/app/b", version: 3)),
        ])))
        let results: [MultiOpResult] = [.error(.ok), .error(.badVersion)]
        try await channel.writeInbound(framed(replyFrame(xid: 1, zxid: 9, MultiResponse(results: results))))
        await #expect(throws: ZooKeeperError(code: .badVersion, path: "/b", multiResults: results)) { try await result.value }

        async let ok = client.multi(ops)
        _ = try await nextRequest(channel)
        try await channel.writeInbound(framed(replyFrame(xid: 2, zxid: 10, MultiResponse(results: [.create(path: "/app/a"), .delete]))))
        #expect(try await ok == [.create(path: "/a"), .delete])
    }

    @Test func notificationsReachEveryStreamRelativeToTheChroot() async throws {
        let (client, channel, _) = try await connected()
        let other = client.makeEvents()
        let event = WatcherEvent(type: .nodeDataChanged, state: .syncConnected, path: "/app/x")
        try await channel.writeInbound(framed(replyFrame(xid: SpecialXid.notification, zxid: -1, event)))
        var events = client.events.makeAsyncIterator()
        #expect(await events.next() == .state(.connected))
        #expect(await events.next() == .watch(type: .nodeDataChanged, state: .syncConnected, path: "/x"))
        var more = other.makeAsyncIterator()
        #expect(await more.next() == .watch(type: .nodeDataChanged, state: .syncConnected, path: "/x"))
    }

    @Test func closeSendsCloseSessionAndEndsTheEvents() async throws {
        let (client, channel, _) = try await connected()
        async let closing: Void = client.close()
        #expect(try await nextRequest(channel) == ClientRequest(xid: 1, op: .closeSession, body: .closeSession))
        try await channel.writeInbound(framed(replyFrame(xid: 1)))
        await closing
        #expect(client.state == .closed)
        var seen: [ClientEvent] = []
        for await event in client.events { seen.append(event) }
        #expect(seen == [.state(.connected), .state(.closed)])
        await #expect(throws: ZooKeeperError(code: .sessionExpired)) { try await client.sync("/") }
    }

    @Test func rawSendReturnsHeaderAndBody() async throws {
        let (client, channel, _) = try await connected()
        async let raw = client.send(.getData(GetDataRequest(path: "/unrooted", watch: false)), op: .getData)
        #expect(try await nextRequest(channel).body == .getData(GetDataRequest(path: "/unrooted", watch: false)))
        try await channel.writeInbound(framed(replyFrame(xid: 1, zxid: 3, err: .noAuth)))
        let (header, body) = try await raw
        #expect(header == ReplyHeader(xid: 1, zxid: 3, err: .noAuth))
        #expect(body.readableBytes == 0)
    }
}
