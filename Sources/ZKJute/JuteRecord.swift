import NIOCore

/// A record of zookeeper.jute: written and read in Apache's binary archive format.
public protocol JuteEncodable: Sendable {
    func encode(into buffer: inout ByteBuffer)
}

public protocol JuteDecodable: Sendable {
    init(from buffer: inout ByteBuffer) throws(JuteError)
}

public typealias JuteRecord = JuteEncodable & JuteDecodable

extension JuteEncodable {
    /// The record alone, without a length prefix; for tests and for nesting records in `buffer` fields.
    public func encodedBytes() -> [UInt8] {
        var buffer = ByteBuffer()
        encode(into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}

extension JuteDecodable {
    /// Decodes exactly one record from `bytes`; leftover bytes are an error.
    public init(bytes: some Sequence<UInt8>) throws(JuteError) {
        var buffer = ByteBuffer(bytes: Array(bytes))
        try self.init(from: &buffer)
        guard buffer.readableBytes == 0 else { throw .trailingBytes(count: buffer.readableBytes) }
    }
}
