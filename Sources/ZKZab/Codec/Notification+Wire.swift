extension Notification {
    /// Apache's current notification layout (`FastLeaderElection.buildMsg`, version 2).
    public static let wireVersion: Int32 = 2

    /// The election message body, as Apache's QuorumCnxManager carries it after its length prefix:
    /// `int state, long leader, long zxid, long electionEpoch, long peerEpoch, int version,
    /// int configLength, config bytes`.
    public func encoded(config: [UInt8] = []) -> [UInt8] {
        var w = JuteWriter()
        w.int(state.rawValue)
        w.long(leader)
        w.long(zxid.rawValue)
        w.long(electionEpoch)
        w.long(peerEpoch)
        w.int(Self.wireVersion)
        w.int(Int32(truncatingIfNeeded: config.count))
        w.raw(config)
        return w.bytes
    }

    /// Decodes a notification; also accepts Apache's older layouts (no version: 36 bytes; version 1:
    /// no config). Returns the dynamic-config bytes it carried, if any.
    public init(decoding bytes: [UInt8]) throws(ZabCodecError) {
        var r = JuteReader(bytes)
        let rawState = try r.int("state")
        guard let state = ServerState(rawValue: rawState) else { throw .unknownServerState(rawState) }
        let leader = try r.long("leader")
        let zxid = try r.long("zxid")
        let electionEpoch = try r.long("electionEpoch")
        let peerEpoch = try r.long("peerEpoch")
        if r.remaining >= 4 {
            let version = try r.int("version")
            if version > 1 { _ = try r.buffer("config") }
        }
        guard r.remaining == 0 else { throw .invalidPacket("\(r.remaining) bytes after the notification") }
        self.init(state: state, vote: Vote(leader: leader, zxid: Zxid(rawValue: zxid), electionEpoch: electionEpoch, peerEpoch: peerEpoch))
    }
}
