import NIOCore

/// Everything peers say to each other. Election notifications travel on the election channel (Apache's
/// QuorumCnxManager, which may lose or repeat them); the rest are quorum packets on the leader–learner
/// connection, which must be FIFO and lossless until it breaks (TCP), as Zab assumes.
///
/// The cases carry what each packet means; the server's `PeerWire` maps them to Apache's
/// `QuorumPacket {type, zxid, data}` layout. REVALIDATE and SYNC are the server's business, not
/// consensus'.
public enum ZabMessage: Hashable, Sendable, CustomStringConvertible {
    case notification(Notification)
    /// Learner → leader: a client write received by a learner (REQUEST 1).
    case request(ByteBuffer)
    /// Leader → follower: log this transaction (PROPOSAL 2).
    case proposal(LogEntry)
    /// Follower → leader: everything through zxid is durable in my log (ACK 3). The ACK of NEWLEADER
    /// carries the NEWLEADER zxid `(epoch, 0)`.
    case ack(Zxid)
    /// Leader → follower: everything through zxid is committed (COMMIT 4).
    case commit(Zxid)
    /// Leader → follower: the reconfiguration at zxid is committed; activate it and follow the designated
    /// leader (COMMITANDACTIVATE 9).
    case commitAndActivate(Zxid, designatedLeader: PeerID)
    /// Both ways: liveness (PING 5). The leader sends its last zxid.
    case ping(Zxid)
    /// Leader → observer: a committed transaction (INFORM 8).
    case inform(LogEntry)
    /// Leader → learner: the sync stream is complete; persist it and ack (NEWLEADER 10, zxid `(epoch, 0)`).
    /// It carries the leader's configuration, which a learner with an older one adopts (a SNAP holds none).
    case newLeader(Zxid, config: Membership?)
    /// Follower → leader: the first packet of a connection, with `(acceptedEpoch, 0)` (FOLLOWERINFO 11).
    case followerInfo(Zxid)
    /// Leader → learner: a quorum has the new epoch's history; start serving (UPTODATE 12).
    case upToDate
    /// Leader → learner: your log matches mine through zxid; missing entries follow (DIFF 13).
    case diff(Zxid)
    /// Leader → learner: drop your entries after zxid; missing entries follow (TRUNC 14).
    case trunc(Zxid)
    /// Leader → learner: replace your state with this snapshot; later entries follow (SNAP 15).
    case snap(Snapshot)
    /// Leader → observer: a committed reconfiguration, to activate (INFORMANDACTIVATE 19).
    case informAndActivate(LogEntry, designatedLeader: PeerID)
    /// Observer → leader: the first packet of a connection (OBSERVERINFO 16).
    case observerInfo(Zxid)
    /// Leader → learner: the proposed new epoch as `(epoch, 0)` (LEADERINFO 17).
    case leaderInfo(Zxid)
    /// Learner → leader: my last logged zxid and my currentEpoch, or -1 when I had already accepted this
    /// epoch (ACKEPOCH 18).
    case ackEpoch(lastZxid: Zxid, currentEpoch: Int32)

    /// The point of the leader's history a sync or broadcast packet names.
    var historyZxid: Zxid? {
        switch self {
        case .diff(let z), .trunc(let z): z
        case .proposal(let e), .inform(let e), .informAndActivate(let e, _): e.zxid
        case .snap(let s): s.zxid
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .notification(let n): "NOTIFICATION \(n)"
        case .request(let p): "REQUEST \(p.readableBytes)B"
        case .proposal(let e): "PROPOSAL \(e)"
        case .ack(let z): "ACK \(z)"
        case .commit(let z): "COMMIT \(z)"
        case .commitAndActivate(let z, let l): "COMMITANDACTIVATE \(z) leader=\(l)"
        case .informAndActivate(let e, let l): "INFORMANDACTIVATE \(e) leader=\(l)"
        case .ping(let z): "PING \(z)"
        case .inform(let e): "INFORM \(e)"
        case .newLeader(let z, let c): "NEWLEADER \(z)" + (c.map { $0.version == 0 ? "" : " config \($0)" } ?? "")
        case .followerInfo(let z): "FOLLOWERINFO \(z)"
        case .upToDate: "UPTODATE"
        case .diff(let z): "DIFF \(z)"
        case .trunc(let z): "TRUNC \(z)"
        case .snap(let s): "SNAP \(s)"
        case .observerInfo(let z): "OBSERVERINFO \(z)"
        case .leaderInfo(let z): "LEADERINFO \(z)"
        case .ackEpoch(let z, let e): "ACKEPOCH \(z) currentEpoch=\(e)"
        }
    }
}
