import NIOCore
import ZKJute

/// Splits a stream into 4-byte-length-prefixed frames. A negative or oversized length is an error that
/// closes the connection; nothing is buffered beyond `maxFrameLength`.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    public enum Error: Swift.Error, Equatable {
        case frameTooLarge(Int32)
    }

    public let maxFrameLength: Int
    public init(maxFrameLength: Int = 0xfffff) { self.maxFrameLength = maxFrameLength }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.nextFrame(from: &buffer, maxFrameLength: maxFrameLength) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// The pure core of the decoder, shared with the client and with tests.
    public static func nextFrame(from buffer: inout ByteBuffer, maxFrameLength: Int) throws -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        guard length >= 0, Int(length) <= maxFrameLength else { throw Error.frameTooLarge(length) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }
}

extension ByteBuffer {
    /// Writes a length-prefixed frame whose body is produced by `body`, patching the length afterwards.
    @inlinable public mutating func writeFrame(_ body: (inout ByteBuffer) -> Void) {
        let lengthIndex = writerIndex
        writeInteger(0, as: Int32.self)
        body(&self)
        setInteger(Int32(writerIndex - lengthIndex - 4), at: lengthIndex, as: Int32.self)
    }

    /// A reply: header and, when the result is OK and there is one, its record.
    @inlinable public mutating func writeReply(_ header: ReplyHeader, _ record: (any JuteEncodable)?) {
        writeFrame { b in
            header.encode(into: &b)
            if let record { record.encode(into: &b) }
        }
    }
}
