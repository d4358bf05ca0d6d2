import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Negative and oversized length prefixes are refused before anything is read or reserved.
@Suite struct LengthValidationTests {
    static let badLengths: [Int32] = [-2, -100, Int32.min]

    static func invalidLength(_ error: JuteError) -> Int32? {
        if case .invalidLength(_, let length) = error { return length } else { return nil }
    }

    /// Runs `body` on a buffer of `bytes` and returns the length named by the invalidLength it must throw.
    static func rejectedLength<T>(_ bytes: [UInt8], _ body: (inout ByteBuffer) throws(JuteError) -> T) -> Int32? {
        var buffer = ByteBuffer(bytes: bytes)
        do { _ = try body(&buffer); return nil } catch { return invalidLength(error) }
    }

    static func int(_ v: Int32) -> [UInt8] { var b = ByteBuffer(); b.writeJuteInt(v); return b.allBytes }

    @Test(arguments: badLengths)
    func negativeStringAndBufferLengths(_ length: Int32) {
        let bytes = Self.int(length) + [1, 2, 3, 4]
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteString() } == length)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteOptionalString() } == length)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteBuffer() } == length)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteOptionalBuffer() } == length)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteStrings("v") } == length)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteACLs() } == length)
    }

    @Test func oversizedStringAndBufferLengths() {
        for length: Int32 in [5, 1000, Int32.max] {
            let bytes = Self.int(length) + [0x61, 0x62, 0x63, 0x64]
            #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteString() } == length)
            #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteBuffer() } == length)
        }
    }

    @Test func hugeVectorCountIsRefusedUpFront() {
        // 2^31-1 elements announced, eight bytes present. Were the count trusted, reserveCapacity would ask
        // for tens of gigabytes; an invalidLength (not a truncation after some elements) shows it was not.
        let bytes = Self.int(Int32.max) + [0, 0, 0, 0, 0, 0, 0, 0]
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteStrings("v") } == Int32.max)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteACLs() } == Int32.max)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in
            try b.readJuteVector("bytes") { (x: inout ByteBuffer) throws(JuteError) in try x.readJuteBool() }
        } == Int32.max)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try MultiTxn(from: &b) } == Int32.max)
        #expect(Self.rejectedLength(bytes) { (b: inout ByteBuffer) throws(JuteError) in try WhoAmIResponse(from: &b) } == Int32.max)
    }

    @Test func vectorCountIsBoundedByTheMinimumElementSize() throws {
        // Eight bytes hold at most two strings (4 bytes each, empty), and no ACL (12 bytes each).
        let eight = [UInt8](repeating: 0, count: 8)
        #expect(Self.rejectedLength(Self.int(3) + eight) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteStrings("v") } == 3)
        #expect(Self.rejectedLength(Self.int(1) + eight) { (b: inout ByteBuffer) throws(JuteError) in try b.readJuteACLs() } == 1)
        var two = ByteBuffer(bytes: Self.int(2) + eight)
        #expect(try two.readJuteStrings("v") == ["", ""])
    }

    @Test func hugeLengthsInsideRecords() {
        var create = ByteBuffer()
        create.writeJuteString("/x"); create.writeJuteBuffer(nil); create.writeJuteInt(Int32.max); create.writeJuteInt(0)
        #expect(Self.rejectedLength(create.allBytes) { (b: inout ByteBuffer) throws(JuteError) in try CreateRequest(from: &b) } == Int32.max)

        var request = ByteBuffer()
        RequestHeader(xid: 1, op: .getData).encode(into: &request)
        request.writeJuteInt(Int32.max); request.writeBytes([0x2f, 0x01])
        #expect(Self.rejectedLength(request.allBytes) { (b: inout ByteBuffer) throws(JuteError) in try ClientRequest(frame: &b) } == Int32.max)

        var connect = ByteBuffer()
        connect.writeJuteInt(0); connect.writeJuteLong(0); connect.writeJuteInt(30_000); connect.writeJuteLong(0)
        connect.writeJuteInt(-5); connect.writeBytes([UInt8](repeating: 0, count: 17))
        #expect(Self.rejectedLength(connect.allBytes) { (b: inout ByteBuffer) throws(JuteError) in try ConnectRequest(from: &b) } == -5)

        var multi = ByteBuffer()
        MultiHeader(type: OpCode.getChildren.rawValue, done: false, err: 0).encode(into: &multi)
        multi.writeJuteInt(Int32.max)
        MultiHeader.terminator.encode(into: &multi)
        #expect(Self.rejectedLength(multi.allBytes) { (b: inout ByteBuffer) throws(JuteError) in try MultiResponse(from: &b) } == Int32.max)

        var watches = ByteBuffer()
        watches.writeJuteLong(0); watches.writeJuteInt(Int32.max); watches.writeJuteInt(0); watches.writeJuteInt(0)
        #expect(Self.rejectedLength(watches.allBytes) { (b: inout ByteBuffer) throws(JuteError) in try SetWatches(from: &b) } == Int32.max)
    }

    @Test func oversizedFrameLengthThrows() {
        for length: Int32 in [0x100000, Int32.max] {
            var buffer = ByteBuffer(bytes: Self.int(length))
            // Refused as soon as the length is known, without waiting for the body.
            #expect(throws: FrameDecoder.Error.frameTooLarge(length)) {
                try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 0xfffff)
            }
        }
    }

    @Test func negativeFrameLengthThrows() {
        for length: Int32 in [-1, -2, Int32.min] {
            var buffer = ByteBuffer(bytes: Self.int(length) + [1, 2, 3])
            #expect(throws: FrameDecoder.Error.frameTooLarge(length)) {
                try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 0xfffff)
            }
        }
    }

    @Test func frameLimitIsInclusive() throws {
        var atLimit = ByteBuffer(bytes: Self.int(10) + [UInt8](repeating: 9, count: 10))
        #expect(try FrameDecoder.nextFrame(from: &atLimit, maxFrameLength: 10)?.readableBytes == 10)
        var overLimit = ByteBuffer(bytes: Self.int(11) + [UInt8](repeating: 9, count: 11))
        #expect(throws: FrameDecoder.Error.frameTooLarge(11)) { try FrameDecoder.nextFrame(from: &overLimit, maxFrameLength: 10) }
        // The default limit is Apache's jute.maxbuffer, and a frame that large is only awaited, not refused.
        #expect(FrameDecoder().maxFrameLength == 0xfffff)
        var large = ByteBuffer(bytes: Self.int(0xfffff) + [1, 2, 3])
        #expect(try FrameDecoder.nextFrame(from: &large, maxFrameLength: 0xfffff) == nil)
    }

    @Test func fewerThanFourBytesIsNeverAnError() throws {
        for prefix in [[], [0xff], [0xff, 0xff], [0xff, 0xff, 0xff]] as [[UInt8]] {
            var buffer = ByteBuffer(bytes: prefix)
            #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 0xfffff) == nil)
        }
    }
}
