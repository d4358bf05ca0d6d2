import NIOCore
import ZKZab

// Tests write payloads and snapshots as byte arrays; the peer keeps them as ByteBuffers.
extension LogEntry {
    init(zxid: Zxid, payload bytes: [UInt8]) { self.init(zxid: zxid, payload: ByteBuffer(bytes: bytes)) }
}

extension Snapshot {
    init(zxid: Zxid, data bytes: [UInt8]) { self.init(zxid: zxid, data: ByteBuffer(bytes: bytes)) }
}

extension ZabPeer {
    mutating func propose(_ bytes: [UInt8]) throws(ZabError) -> ProposeOutcome { try propose(ByteBuffer(bytes: bytes)) }
}
