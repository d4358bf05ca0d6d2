import NIOCore

/// One transaction in the replicated history. The payload is opaque to consensus (the server layer
/// puts a serialized TxnHeader + txn record there).
public struct LogEntry: Hashable, Sendable, CustomStringConvertible {
    public var zxid: Zxid
    public var payload: ByteBuffer
    /// Set on a reconfiguration: the membership it installs once committed (its version is `zxid`). The host
    /// reads it out of the payload wherever an entry comes from (a client, a PROPOSAL, the disk).
    public var reconfig: Membership?

    public init(zxid: Zxid, payload: ByteBuffer, reconfig: Membership? = nil) {
        self.zxid = zxid
        self.payload = payload
        self.reconfig = reconfig
    }

    public var description: String { "\(zxid)(\(payload.readableBytes)B)" + (reconfig.map { " reconfig \($0)" } ?? "") }
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
