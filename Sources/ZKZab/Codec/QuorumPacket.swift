/// Apache's `Id` record (an auth identity carried with REQUEST packets).
public struct QuorumAuthID: Hashable, Sendable {
    public var scheme: String?
    public var id: String?

    public init(scheme: String?, id: String?) {
        self.scheme = scheme
        self.id = id
    }
}

/// Apache's `QuorumPacket {int type; long zxid; buffer data; vector<Id> authinfo}` from zookeeper.jute:
/// the record every leader–learner message travels in (behind a 4-byte length on the socket).
public struct QuorumPacket: Hashable, Sendable {
    public var type: Int32
    public var zxid: Int64
    public var data: [UInt8]?
    public var authinfo: [QuorumAuthID]?

    public init(type: Int32, zxid: Int64, data: [UInt8]? = nil, authinfo: [QuorumAuthID]? = nil) {
        self.type = type
        self.zxid = zxid
        self.data = data
        self.authinfo = authinfo
    }

    /// The jute bytes (without the socket's length prefix).
    public func encoded() -> [UInt8] {
        var w = JuteWriter()
        w.int(type)
        w.long(zxid)
        w.buffer(data)
        if let authinfo {
            w.int(Int32(truncatingIfNeeded: authinfo.count))
            for id in authinfo {
                w.string(id.scheme)
                w.string(id.id)
            }
        } else {
            w.int(-1)
        }
        return w.bytes
    }

    /// Decodes one packet that fills `bytes` exactly.
    public init(decoding bytes: [UInt8]) throws(ZabCodecError) {
        var r = JuteReader(bytes)
        type = try r.int("type")
        zxid = try r.long("zxid")
        data = try r.buffer("data")
        if let count = try r.vectorCount("authinfo", minimumElementSize: 8) {
            var ids: [QuorumAuthID] = []
            for _ in 0..<count { ids.append(QuorumAuthID(scheme: try r.string("scheme"), id: try r.string("id"))) }
            authinfo = ids
        } else {
            authinfo = nil
        }
        guard r.remaining == 0 else { throw .invalidPacket("\(r.remaining) bytes after the packet") }
    }
}
