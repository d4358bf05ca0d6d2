import NIOCore

/// One transaction in the replicated history. The payload is opaque to consensus (the server layer
/// puts a serialized TxnHeader + txn record there).
public struct LogEntry: Hashable, Sendable, CustomStringConvertible {
    public var zxid: Zxid
    public var payload: ByteBuffer

    public init(zxid: Zxid, payload: ByteBuffer) {
        self.zxid = zxid
        self.payload = payload
    }

    public var description: String { "\(zxid)(\(payload.readableBytes)B)" }
}

/// The application state after applying every transaction through `zxid`, serialized by the
/// application. Consensus only stores it, ships it in SNAP and hands it back.
public struct Snapshot: Hashable, Sendable, CustomStringConvertible {
    public var zxid: Zxid
    public var data: ByteBuffer

    public init(zxid: Zxid, data: ByteBuffer) {
        self.zxid = zxid
        self.data = data
    }

    public var description: String { "snapshot@\(zxid)(\(data.readableBytes)B)" }
}
