import NIOCore
import ZKProtocol
import ZKServerCore

/// What a client socket carries: either one four-letter word in place of the first length prefix (Apache
/// answers it and closes), or FrameDecoder's length-prefixed frames.
enum ClientFrame {
    case fourLetterWord(FourLetterWord, argument: Int64?)
    case frame(ByteBuffer)
}

/// FrameDecoder for a client socket, run by NIO's ByteToMessageHandler: the first four bytes may be a
/// four-letter word instead of a length. A negative or oversized length throws, and the handler closes
/// the connection; nothing beyond `maxFrameLength` is ever buffered.
struct ClientFrameDecoder: ByteToMessageDecoder {
    struct IncompleteTraceMask: Error {}

    typealias InboundOut = ClientFrame

    let maxFrameLength: Int
    private var firstBytesChecked = false
    private var answeredWord = false

    init(maxFrameLength: Int) { self.maxFrameLength = maxFrameLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if answeredWord {
            buffer.moveReaderIndex(to: buffer.writerIndex)  // nothing after a word is read
            return .needMoreData
        }
        if !firstBytesChecked {
            guard let code = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
            if let word = FourLetterWord(code: code) {
                // stmk carries its mask in the 8 bytes after the word. Apache reads them with one more
                // read of what has arrived: fewer than 8 there and it closes without an answer.
                var argument: Int64?
                if word == .stmk {
                    guard let mask = buffer.getInteger(at: buffer.readerIndex + 4, as: Int64.self) else { throw IncompleteTraceMask() }
                    argument = mask
                }
                answeredWord = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
                context.fireChannelRead(Self.wrapInboundOut(.fourLetterWord(word, argument: argument)))
                return .needMoreData
            }
            firstBytesChecked = true
        }
        guard let frame = try FrameDecoder.nextFrame(from: &buffer, maxFrameLength: maxFrameLength) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(.frame(frame)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A half-sent frame at the end of the stream is dropped with the connection.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
