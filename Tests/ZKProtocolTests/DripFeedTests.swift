import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// FrameDecoder.nextFrame must give the same frames however the stream is cut into reads.
@Suite struct DripFeedTests {
    static let maxFrame = 0xfffff

    /// Feeds `stream` in chunks of the given sizes, draining every complete frame after each chunk.
    static func frames(of stream: [UInt8], chunkSizes: some Sequence<Int>) throws -> (frames: [[UInt8]], leftover: Int) {
        var buffer = ByteBuffer()
        var frames: [[UInt8]] = []
        var offset = 0
        for size in chunkSizes where offset < stream.count {
            let end = min(stream.count, offset + max(1, size))
            buffer.writeBytes(stream[offset..<end])
            offset = end
            while let frame = try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: maxFrame) {
                frames.append(frame.allBytes)
            }
        }
        precondition(offset == stream.count, "chunk sizes ran out")
        return (frames, buffer.readableBytes)
    }

    static func stream(_ file: GoldenFile) -> [UInt8] { file.frames.flatMap(\.bytes) }

    @Test(arguments: Golden.fileNames)
    func oneByteAtATimeMatchesAllAtOnce(_ name: String) throws {
        let file = try Golden.load(name)
        let stream = Self.stream(file)
        let whole = try Self.frames(of: stream, chunkSizes: [stream.count])
        let dripped = try Self.frames(of: stream, chunkSizes: repeatElement(1, count: stream.count))
        #expect(whole.leftover == 0 && dripped.leftover == 0)
        #expect(whole.frames == file.frames.map(\.body))
        #expect(dripped.frames == whole.frames)
    }

    @Test(arguments: Golden.fileNames)
    func randomChunksMatchAllAtOnce(_ name: String) throws {
        let stream = Self.stream(try Golden.load(name))
        let whole = try Self.frames(of: stream, chunkSizes: [stream.count])
        var rng = XorShift(seed: 0xD219_0001)
        for _ in 0..<50 {
            let sizes = (0..<stream.count).map { _ in Int(rng.next() % 23) + 1 }
            let chunked = try Self.frames(of: stream, chunkSizes: sizes)
            #expect(chunked.frames == whole.frames)
            #expect(chunked.leftover == 0)
        }
    }

    @Test func allGoldenFilesConcatenatedDripFeed() throws {
        let files = try Golden.loadAll()
        let stream = files.flatMap(Self.stream)
        let dripped = try Self.frames(of: stream, chunkSizes: repeatElement(1, count: stream.count))
        #expect(dripped.frames == files.flatMap { $0.frames.map(\.body) })
        #expect(dripped.leftover == 0)
    }

    @Test func dripFedClientFramesStillDecode() throws {
        let file = try Golden.load("zkcli-session.txt")
        let stream = file.clientFrames.flatMap(\.bytes)
        let frames = try Self.frames(of: stream, chunkSizes: repeatElement(1, count: stream.count)).frames
        #expect(try decodeRecord(ConnectRequest.self, frames[0]).readOnly == false)
        for frame in frames.dropFirst() {
            var buffer = ByteBuffer(bytes: frame)
            _ = try ClientRequest(frame: &buffer)
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func partialFrameIsLeftUntouched() throws {
        let frame = try #require(try Golden.load("kazoo-session.txt").clientFrames.dropFirst().first)
        for cut in 0..<frame.bytes.count {
            var buffer = ByteBuffer(bytes: frame.bytes[..<cut])
            #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: Self.maxFrame) == nil)
            #expect(buffer.readerIndex == 0 && buffer.readableBytes == cut)
        }
        var full = ByteBuffer(bytes: frame.bytes)
        #expect(try FrameDecoder.nextFrame(from: &full, maxFrameLength: Self.maxFrame)?.allBytes == frame.body)
        #expect(full.readableBytes == 0)
    }

    @Test func emptyFramesAndMaximumLength() throws {
        var buffer = ByteBuffer(bytes: hexBytes("00000000 00000000 00000001ab"))
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 1)?.readableBytes == 0)
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 1)?.readableBytes == 0)
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 1)?.allBytes == [0xab])
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 1) == nil)
    }

    @Test func writeFrameIsTheInverse() throws {
        var buffer = ByteBuffer()
        let bodies: [[UInt8]] = [[], [1], Array(repeating: 7, count: 300)]
        for body in bodies { buffer.writeFrame { $0.writeBytes(body) } }
        var out: [[UInt8]] = []
        while let frame = try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: Self.maxFrame) { out.append(frame.allBytes) }
        #expect(out == bodies)
    }
}
