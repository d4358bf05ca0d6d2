/// The protocol version a learner and leader announce (Apache's 0x10000, "Zab 1.0").
public let zabProtocolVersion: Int32 = 0x10000

extension ZabMessage {
    /// The quorum packet for this message. `sender` is our server id (FOLLOWERINFO and OBSERVERINFO
    /// carry a `LearnerInfo {long serverid; int protocolVersion; long configVersion}`). Election
    /// notifications do not travel as quorum packets: use `Notification.encoded()`.
    /// SNAP carries the snapshot in `data`; Apache streams it after the packet instead.
    public func quorumPacket(sender: PeerID) -> QuorumPacket? {
        func learnerInfo() -> [UInt8] {
            var w = JuteWriter()
            w.long(sender)
            w.int(zabProtocolVersion)
            w.long(0)
            return w.bytes
        }
        switch self {
        case .notification: return nil
        case .request(let payload): return QuorumPacket(type: QuorumPacketType.request.rawValue, zxid: -1, data: payload)
        case .proposal(let e): return QuorumPacket(type: QuorumPacketType.proposal.rawValue, zxid: e.zxid.rawValue, data: e.payload)
        case .ack(let z): return QuorumPacket(type: QuorumPacketType.ack.rawValue, zxid: z.rawValue)
        case .commit(let z): return QuorumPacket(type: QuorumPacketType.commit.rawValue, zxid: z.rawValue)
        case .ping(let z): return QuorumPacket(type: QuorumPacketType.ping.rawValue, zxid: z.rawValue)
        case .inform(let e): return QuorumPacket(type: QuorumPacketType.inform.rawValue, zxid: e.zxid.rawValue, data: e.payload)
        case .newLeader(let z): return QuorumPacket(type: QuorumPacketType.newLeader.rawValue, zxid: z.rawValue)
        case .followerInfo(let z):
            return QuorumPacket(type: QuorumPacketType.followerInfo.rawValue, zxid: z.rawValue, data: learnerInfo())
        case .upToDate: return QuorumPacket(type: QuorumPacketType.upToDate.rawValue, zxid: -1)
        case .diff(let z): return QuorumPacket(type: QuorumPacketType.diff.rawValue, zxid: z.rawValue)
        case .trunc(let z): return QuorumPacket(type: QuorumPacketType.trunc.rawValue, zxid: z.rawValue)
        case .snap(let s): return QuorumPacket(type: QuorumPacketType.snap.rawValue, zxid: s.zxid.rawValue, data: s.data)
        case .observerInfo(let z):
            return QuorumPacket(type: QuorumPacketType.observerInfo.rawValue, zxid: z.rawValue, data: learnerInfo())
        case .leaderInfo(let z):
            var w = JuteWriter()
            w.int(zabProtocolVersion)
            return QuorumPacket(type: QuorumPacketType.leaderInfo.rawValue, zxid: z.rawValue, data: w.bytes)
        case .ackEpoch(let z, let epoch):
            var w = JuteWriter()
            w.int(epoch)
            return QuorumPacket(type: QuorumPacketType.ackEpoch.rawValue, zxid: z.rawValue, data: w.bytes)
        }
    }

    /// The message a quorum packet carries. Reconfiguration packets are not supported yet.
    public init(packet: QuorumPacket) throws(ZabCodecError) {
        guard let type = QuorumPacketType(rawValue: packet.type) else { throw .unknownPacketType(packet.type) }
        let zxid = Zxid(rawValue: packet.zxid)
        switch type {
        case .request: self = .request(packet.data ?? [])
        case .proposal: self = .proposal(LogEntry(zxid: zxid, payload: packet.data ?? []))
        case .ack: self = .ack(zxid)
        case .commit: self = .commit(zxid)
        case .ping: self = .ping(zxid)
        case .inform: self = .inform(LogEntry(zxid: zxid, payload: packet.data ?? []))
        case .newLeader: self = .newLeader(zxid)
        case .followerInfo: self = .followerInfo(zxid)
        case .upToDate: self = .upToDate
        case .diff: self = .diff(zxid)
        case .trunc: self = .trunc(zxid)
        case .snap: self = .snap(Snapshot(zxid: zxid, data: packet.data ?? []))
        case .observerInfo: self = .observerInfo(zxid)
        case .leaderInfo: self = .leaderInfo(zxid)
        case .ackEpoch:
            var r = JuteReader(packet.data ?? [])
            self = .ackEpoch(lastZxid: zxid, currentEpoch: try r.int("currentEpoch"))
        case .revalidate, .sync, .commitAndActivate, .informAndActivate:
            throw .invalidPacket("\(type) is not supported")
        }
    }
}
