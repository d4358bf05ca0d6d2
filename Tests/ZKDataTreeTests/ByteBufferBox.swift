import NIOCore

enum ByteBufferBox {
    static func make(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
}
