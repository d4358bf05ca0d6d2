import NIOCore
import ZKJute

/// Election messages after the initial message: int length, then the message
/// (QuorumCnxManager.SendWorker.send / RecvWorker.run), in both directions.
public enum ElectionFraming {
    /// QuorumCnxManager.PACKETMAXSIZE: RecvWorker drops the connection on a length outside 1...512 KiB.
    public static let maxMessageLength = 512 * 1024

    public static func writeMessage(_ message: [UInt8], into b: inout ByteBuffer) {
        b.writeJuteInt(Int32(truncatingIfNeeded: message.count))
        b.writeBytes(message)
    }

    /// The next message body, or nil until it has all arrived (the buffer is then untouched). A zero,
    /// negative or oversized length throws, before anything is read or reserved.
    public static func nextMessage(from b: inout ByteBuffer, maxMessageLength: Int = maxMessageLength) throws(JuteError) -> ByteBuffer? {
        guard let length = b.getInteger(at: b.readerIndex, as: Int32.self) else { return nil }
        guard length > 0, Int(length) <= maxMessageLength else { throw .invalidLength(field: "election message", length: length) }
        guard b.readableBytes >= 4 + Int(length) else { return nil }
        b.moveReaderIndex(forwardBy: 4)
        return b.readSlice(length: Int(length))
    }
}
