/// The `type` of a QuorumPacket: the constants of Apache's Leader.java (3.8), unchanged since Zab 1.0
/// apart from the reconfig additions (9 and 19, 3.5).
public enum QuorumPacketType: Int32, CaseIterable, Sendable, CustomStringConvertible {
    /// Learner -> leader: a client request to be turned into a transaction (data: LearnerRequest).
    case request = 1
    /// Leader -> follower: a transaction to log and ACK (data: SerializedTxn).
    case proposal = 2
    /// Learner -> leader: zxid logged (or NEWLEADER / UPTODATE acknowledged); no data.
    case ack = 3
    /// Leader -> follower: zxid may be applied; no data.
    case commit = 4
    /// Both ways: leader liveness probe (zxid = last proposed); the learner's echo carries its sessions.
    case ping = 5
    /// Both ways: a learner asks whether a reconnecting session is alive; the leader answers.
    case revalidate = 6
    /// Leader -> learner: a sync request the learner forwarded has been reached; no data.
    case sync = 7
    /// Leader -> observer: a committed transaction (data: SerializedTxn, as in the PROPOSAL).
    case inform = 8
    /// Leader -> follower: COMMIT of a reconfig plus the designated leader (data: DesignatedLeaderData).
    case commitAndActivate = 9
    /// Leader -> learner: end of the sync phase (data: the quorum configuration text).
    case newLeader = 10
    /// Follower -> leader: first packet (data: LearnerInfo, zxid: accepted epoch << 32).
    case followerInfo = 11
    /// Leader -> learner: start serving; zxid -1, no data.
    case upToDate = 12
    /// Leader -> learner: sync by the proposals and commits that follow; zxid only.
    case diff = 13
    /// Leader -> learner: drop the log after zxid; zxid only.
    case trunc = 14
    /// Leader -> learner: a snapshot follows on the stream, outside any packet; zxid only.
    case snap = 15
    /// Observer -> leader: first packet, as FOLLOWERINFO.
    case observerInfo = 16
    /// Leader -> learner: the new epoch (zxid) and the leader's protocol version (data: LeaderInfoData).
    case leaderInfo = 17
    /// Learner -> leader: the learner's current epoch (data: AckEpochData, zxid: last logged zxid).
    case ackEpoch = 18
    /// Leader -> observer: INFORM of a reconfig plus the designated leader (data: InformAndActivateData).
    case informAndActivate = 19

    /// The name Apache logs (LearnerHandler.packetToString).
    public var description: String {
        switch self {
        case .request: return "REQUEST"
        case .proposal: return "PROPOSAL"
        case .ack: return "ACK"
        case .commit: return "COMMIT"
        case .ping: return "PING"
        case .revalidate: return "REVALIDATE"
        case .sync: return "SYNC"
        case .inform: return "INFORM"
        case .commitAndActivate: return "COMMITANDACTIVATE"
        case .newLeader: return "NEWLEADER"
        case .followerInfo: return "FOLLOWERINFO"
        case .upToDate: return "UPTODATE"
        case .diff: return "DIFF"
        case .trunc: return "TRUNC"
        case .snap: return "SNAP"
        case .observerInfo: return "OBSERVERINFO"
        case .leaderInfo: return "LEADERINFO"
        case .ackEpoch: return "ACKEPOCH"
        case .informAndActivate: return "INFORMANDACTIVATE"
        }
    }
}
