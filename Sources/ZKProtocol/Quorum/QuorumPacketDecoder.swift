import NIOCore
import ZKJute

/// Finds whole QuorumPackets in the learner connection's byte stream. The packet has no length prefix,
/// so completeness is decided by walking its length fields with `get` (never `read`) and checking each
/// against the limits before trusting it; nothing is read, reserved or copied until the whole packet is
/// in the buffer. A partial packet leaves the buffer untouched.
///
/// Not a ByteToMessageDecoder on purpose: after a SNAP packet the leader writes the snapshot and the
/// "BenWasHere" signature raw on the same stream (SnapTransfer), so the connection handler has to switch
/// decoders mid-stream.
public struct QuorumPacketDecoder: Sendable, Hashable {
    /// Apache's jute.maxbuffer default.
    public static let defaultJuteMaxBuffer = 0xfffff

    /// Largest `data` buffer or Id string accepted. Apache's BinaryInputArchive.checkLength allows
    /// jute.maxbuffer + zookeeper.jute.maxbuffer.extrasize (which defaults to jute.maxbuffer, minimum 1024).
    public var maxBufferLength: Int
    /// Largest authinfo vector accepted. Apache has no limit; a learner forwards one Id per auth scheme
    /// the client added, so a small bound only stops a hostile count from keeping the decoder waiting.
    public var maxAuthInfoCount: Int

    public init(maxBufferLength: Int, maxAuthInfoCount: Int = 1024) {
        self.maxBufferLength = maxBufferLength; self.maxAuthInfoCount = maxAuthInfoCount
    }

    /// Apache's bound for the given jute.maxbuffer and extrasize settings.
    public init(juteMaxBuffer: Int = defaultJuteMaxBuffer, extraMaxBuffer: Int? = nil, maxAuthInfoCount: Int = 1024) {
        self.init(maxBufferLength: juteMaxBuffer + Swift.max(1024, extraMaxBuffer ?? juteMaxBuffer),
                  maxAuthInfoCount: maxAuthInfoCount)
    }

    /// The next packet, or nil when the buffer does not yet hold all of it (the reader index is then
    /// unchanged). Throws on a length no honest peer sends; the connection must then be closed.
    public func nextPacket(from buffer: inout ByteBuffer) throws(JuteError) -> QuorumPacket? {
        guard let length = try completePacketLength(in: buffer), var slice = buffer.readSlice(length: length) else { return nil }
        return try QuorumPacket(from: &slice)
    }

    /// How many bytes the next packet takes, or nil when it is not complete yet.
    public func completePacketLength(in buffer: ByteBuffer) throws(JuteError) -> Int? {
        var cursor = Cursor(buffer: buffer, offset: buffer.readerIndex)
        guard cursor.skip(4 + 8) else { return nil }  // type, zxid
        guard let dataLength = cursor.int32() else { return nil }
        guard try cursor.skipBuffer(dataLength, field: "QuorumPacket.data", max: maxBufferLength) else { return nil }
        guard let count = cursor.int32() else { return nil }
        if count != -1 {
            guard count >= 0, Int(count) <= maxAuthInfoCount else { throw .invalidLength(field: "QuorumPacket.authinfo", length: count) }
            for _ in 0..<Int(count) {
                for field in ["Id.scheme", "Id.id"] {
                    guard let length = cursor.int32() else { return nil }
                    guard try cursor.skipBuffer(length, field: field, max: maxBufferLength) else { return nil }
                }
            }
        }
        return cursor.offset - buffer.readerIndex
    }

    /// A read position over bytes that may not all have arrived.
    private struct Cursor {
        let buffer: ByteBuffer
        var offset: Int
        var end: Int { buffer.writerIndex }

        mutating func skip(_ count: Int) -> Bool {
            guard end - offset >= count else { return false }
            offset += count
            return true
        }

        mutating func int32() -> Int32? {
            guard let value = buffer.getInteger(at: offset, as: Int32.self) else { return nil }
            offset += 4
            return value
        }

        /// Skips a length-prefixed body whose length was just read; -1 is the null marker.
        mutating func skipBuffer(_ length: Int32, field: String, max: Int) throws(JuteError) -> Bool {
            if length == -1 { return true }
            guard length >= 0, Int(length) <= max else { throw .invalidLength(field: field, length: length) }
            return skip(Int(length))
        }
    }
}
