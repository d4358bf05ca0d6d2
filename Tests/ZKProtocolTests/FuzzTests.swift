import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Seeded fuzzing: hostile bytes must end in a JuteError (or a value), never a trap. Where a decode
/// succeeds, encoding the value and decoding again must give the same value.
@Suite struct FuzzTests {
    static let seed: UInt64 = 0x5EED_2181_0000_0038

    /// Records an issue when a value does not survive encode→decode; cheaper than #expect on every success.
    static func expectStable(_ stable: Bool, _ type: String, _ bytes: [UInt8]) {
        if !stable { Issue.record("\(type) from \(hexString(bytes)) does not survive re-encoding") }
    }

    /// Decodes `bytes` every way a peer could make us; returns how many decodes succeeded.
    @discardableResult
    static func decodeEveryWay(_ bytes: [UInt8]) -> Int {
        var successes = 0
        let input = ByteBuffer(bytes: bytes)
        var b = input
        if let request = try? ClientRequest(frame: &b) {
            successes += 1
            var again = ByteBuffer()
            request.encode(into: &again)
            expectStable((try? ClientRequest(frame: &again)) == request, "ClientRequest", bytes)
        }
        b = input
        if let connect = try? ConnectRequest(from: &b) {
            successes += 1
            expectStable((try? decodeRecord(ConnectRequest.self, connect.encodedBytes())) == connect, "ConnectRequest", bytes)
        }
        b = input
        if let multi = try? MultiResponse(from: &b) {
            successes += 1
            expectStable((try? decodeRecord(MultiResponse.self, multi.encodedBytes())) == multi, "MultiResponse", bytes)
        }
        b = input
        if let multi = try? MultiRequest(from: &b) {
            successes += 1
            expectStable((try? decodeRecord(MultiRequest.self, multi.encodedBytes())) == multi, "MultiRequest", bytes)
        }
        b = input
        if (try? ConnectResponse(from: &b)) != nil { successes += 1 }
        b = input
        if (try? ReplyHeader(from: &b)) != nil, (try? GetDataResponse(from: &b)) != nil { successes += 1 }
        b = input
        if (try? SetWatches(from: &b, version2: true)) != nil { successes += 1 }
        b = input
        if (try? WhoAmIResponse(from: &b)) != nil { successes += 1 }
        b = input
        if (try? MultiTxn(from: &b)) != nil { successes += 1 }
        b = input
        while let frame = try? FrameDecoder.nextFrame(from: &b, maxFrameLength: 0xfffff) { _ = frame }
        return successes
    }

    @Test func randomBytes() {
        var rng = XorShift(seed: Self.seed)
        var successes = 0
        for _ in 0..<20_000 {
            successes += Self.decodeEveryWay(rng.bytes(count: Int(rng.next() % 201)))
        }
        #expect(successes > 0)
    }

    /// Random bodies behind a valid request header, so that every opcode's decoder is reached.
    @Test func randomBodiesBehindEveryOpcode() {
        var rng = XorShift(seed: Self.seed ^ 1)
        let ops = OpCode.allCases.map(\.rawValue) + [10, 9999]
        var decoded = 0
        for i in 0..<10_000 {
            var b = ByteBuffer()
            RequestHeader(xid: Int32(i), type: ops[i % ops.count]).encode(into: &b)
            b.writeBytes(rng.bytes(count: Int(rng.next() % 120)))
            decoded += Self.decodeEveryWay(b.allBytes)
        }
        #expect(decoded > 0)
    }

    static let interesting: [Int32] = [0, 1, -1, -2, 4, 8, 255, 0x7fff, 0xffff, 0xfffff, 0x100000, Int32.max, Int32.min]

    /// Applies one to four random edits: bit flips, byte stores, hostile ints, cuts, insertions, duplication.
    static func mutate(_ input: [UInt8], _ rng: inout XorShift) -> [UInt8] {
        var bytes = input
        for _ in 0...(rng.next() % 4) {
            let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 7 {
            case 0 where !bytes.isEmpty: bytes[at] ^= 1 << (rng.next() % 8)
            case 1 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2 where bytes.count >= 4:
                let value = interesting[Int(rng.next() % UInt64(interesting.count))]
                let start = min(at, bytes.count - 4)
                withUnsafeBytes(of: value.bigEndian) { for (i, byte) in $0.enumerated() { bytes[start + i] = byte } }
            case 3: bytes.removeSubrange(at..<bytes.count)
            case 4: bytes.insert(contentsOf: rng.bytes(count: Int(rng.next() % 9)), at: at)
            case 5 where !bytes.isEmpty:
                let end = min(bytes.count, at + Int(rng.next() % 16) + 1)
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            default: if !bytes.isEmpty { bytes.remove(at: at) }
            }
        }
        return bytes
    }

    @Test func mutatedGoldenFrames() throws {
        let frames = try Golden.loadAll().flatMap(\.frames)
        try #require(!frames.isEmpty)
        var rng = XorShift(seed: Self.seed ^ 2)
        for i in 0..<10_000 {
            let frame = frames[i % frames.count]
            Self.decodeEveryWay(Self.mutate(frame.body, &rng))
            // Also with the length prefix, to reach the frame decoder with hostile lengths.
            Self.decodeEveryWay(Self.mutate(frame.bytes, &rng))
        }
    }

    @Test func mutatedGoldenReplies() throws {
        let sessions = try Golden.loadAll().map(DecodedSession.init)
        let replies = sessions.flatMap(\.replies).filter { $0.frame.body.count > ReplyHeader.encodedSize }
        try #require(!replies.isEmpty)
        var rng = XorShift(seed: Self.seed ^ 3)
        for i in 0..<10_000 {
            let reply = replies[i % replies.count]
            let body = Self.mutate(Array(reply.frame.body.dropFirst(ReplyHeader.encodedSize)), &rng)
            _ = try? GoldenReply.decodeBody(body, header: reply.header, request: reply.request)
        }
    }

    @Test func mutatedStreamThroughTheFrameDecoder() throws {
        let stream = try Golden.loadAll().flatMap { $0.frames.flatMap(\.bytes) }
        var rng = XorShift(seed: Self.seed ^ 4)
        for _ in 0..<300 {
            var buffer = ByteBuffer()
            let mutated = Self.mutate(stream, &rng)
            var offset = 0
            feeding: while offset < mutated.count {
                let end = min(mutated.count, offset + Int(rng.next() % 64) + 1)
                buffer.writeBytes(mutated[offset..<end])
                offset = end
                do {
                    while let frame = try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: 0xfffff) {
                        #expect(frame.readableBytes <= 0xfffff)
                        Self.decodeEveryWay(frame.allBytes)
                    }
                } catch {
                    #expect(error is FrameDecoder.Error)
                    break feeding
                }
            }
        }
    }

    @Test func xorShiftIsDeterministic() {
        var a = XorShift(seed: 42), b = XorShift(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
    }
}
