import NIOCore
import NIOEmbedded
import Testing
import ZKDataTree
import ZKJute
import ZKProtocol
import ZKServerCore
@testable import ZKServer

/// The client edge in an EmbeddedChannel: ClientFrameDecoder under NIO's ByteToMessageHandler, then
/// ClientConnectionHandler, against a real ServerRuntime with no log. Bytes in, reply frames out.
@Suite struct ClientEdgeTests {
    let loop = EmbeddedEventLoop()
    let runtime: ServerRuntime
    let channel: EmbeddedChannel

    init() throws {
        var environment = ServerEnvironment()
        environment.whitelist = ["*"]
        runtime = ServerRuntime(eventLoop: loop, config: ZooConfig(), environment: environment, tree: DataTree(), durableLog: nil)
        channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandlers(ClientConnectionHandler.handlers(runtime: runtime))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
    }

    static func frame(_ body: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeFrame(body)
        return b
    }

    static let handshake = frame {
        ConnectRequest(lastZxidSeen: 0, timeOut: 10_000, sessionId: 0, passwd: [UInt8](repeating: 0, count: 16), readOnly: false).encode(into: &$0)
    }

    static func create(_ path: String, xid: Int32) -> ByteBuffer {
        frame {
            RequestHeader(xid: xid, op: .create).encode(into: &$0)
            CreateRequest(path: path, data: Array("d".utf8), acl: ACL.openACLUnsafe, flags: 0).encode(into: &$0)
        }
    }

    /// Every byte written to the client so far.
    func written() throws -> ByteBuffer {
        var all = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
        return all
    }

    /// The reply frames written so far: the connect response first, then (xid, err) of each reply.
    func replies() throws -> (connected: Bool, replies: [(xid: Int32, err: Int32)]) {
        var bytes = try written()
        var connected = false
        var out: [(Int32, Int32)] = []
        while var frame = try FrameDecoder.nextFrame(from: &bytes, maxFrameLength: 1 << 20) {
            if !connected {
                _ = try ConnectResponse(from: &frame)
                connected = true
            } else {
                let header = try ReplyHeader(from: &frame)
                out.append((header.xid, header.err))
            }
        }
        return (connected, out)
    }

    func feed(_ buffer: ByteBuffer, chunk: Int = .max) throws {
        var rest = buffer
        while rest.readableBytes > 0, channel.isActive {
            let piece = rest.readSlice(length: min(chunk, rest.readableBytes))!
            try channel.writeInbound(piece)
        }
    }

    func closed() -> Bool {
        loop.run()
        return !channel.isActive
    }

    @Test func aDripFedHandshakeAndRequestsAreAnsweredInOrder() throws {
        var stream = Self.handshake
        var creates = Self.create("/a", xid: 1)
        stream.writeBuffer(&creates)
        creates = Self.create("/b", xid: 2)
        stream.writeBuffer(&creates)
        try feed(stream, chunk: 1)
        let (connected, replies) = try self.replies()
        #expect(connected)
        #expect(replies.map(\.xid) == [1, 2] && replies.allSatisfy { $0.err == 0 })
        #expect(!closed())
    }

    @Test func aFrameAboveJuteMaxBufferClosesTheConnectionWithoutBufferingIt() throws {
        try feed(Self.handshake)
        var oversized = ByteBuffer()
        oversized.writeInteger(Int32(runtime.config.juteMaxBuffer + 1))
        oversized.writeRepeatingByte(0, count: 64)
        try? feed(oversized)
        #expect(closed())
        #expect(try replies().connected)  // the connect response made before it still went out
    }

    @Test func garbageBeforeTheHandshakeClosesTheConnection() throws {
        var garbage = ByteBuffer()
        garbage.writeInteger(Int32(3))
        garbage.writeBytes([0xff, 0xfe, 0xfd])
        try? feed(garbage)
        #expect(closed())
        #expect(try replies().connected == false)
    }

    @Test func garbageAfterTheHandshakeClosesOnlyAfterEarlierRepliesAreWritten() throws {
        var stream = Self.handshake
        var create = Self.create("/ok", xid: 1)
        stream.writeBuffer(&create)
        var garbage = Self.frame { $0.writeBytes([0, 0, 0, 9]) }  // xid 9, no opcode
        stream.writeBuffer(&garbage)
        try? feed(stream)
        #expect(closed())
        let (connected, replies) = try self.replies()
        #expect(connected && replies.map(\.xid) == [1])
    }

    @Test func aNegativeLengthClosesTheConnection() throws {
        try feed(Self.handshake)
        var negative = ByteBuffer()
        negative.writeInteger(Int32(-1))
        try? feed(negative)
        #expect(closed())
    }

    @Test func aFourLetterWordInPlaceOfTheFirstLengthIsAnsweredAndCloses() throws {
        var word = ByteBuffer()
        word.writeString("ru")
        try feed(word)
        #expect(!closed())
        word.clear()
        word.writeString("okmore bytes that are never read")
        try feed(word)
        #expect(closed())
        #expect(String(buffer: try written()) == "imok")
    }

    /// Apache reads stmk's mask with one more read of what has arrived: the mask must come with the word.
    @Test func stmkTakesItsMaskFromWhatArrivedWithIt() throws {
        var word = ByteBuffer()
        word.writeString("stmk")
        word.writeBytes([0, 0, 0, 0, 0, 0, 1, 0])
        try feed(word)
        #expect(closed())
        #expect(String(buffer: try written()) == "256")
    }

    @Test func stmkWithHalfAMaskClosesUnanswered() throws {
        var word = ByteBuffer()
        word.writeString("stmk")
        word.writeBytes([0, 0, 0, 0])
        try? feed(word)
        #expect(closed())
        #expect(try written().readableBytes == 0)
    }
}
