/// A follower's or observer's connection to its leader. Apache: `Learner.registerWithLeader`,
/// `syncWithLeader` and `Follower/Observer.processPacket`.
struct LearnerSession: Sendable {
    enum Phase: Sendable, Hashable {
        /// Sent FOLLOWERINFO/OBSERVERINFO, waiting for LEADERINFO.
        case awaitingLeaderInfo
        /// Sent ACKEPOCH, waiting for DIFF, TRUNC or SNAP.
        case awaitingSync
        /// Receiving the sync stream, up to NEWLEADER.
        case syncing
        /// Got NEWLEADER; ack it once durable, then wait for UPTODATE.
        case awaitingUpToDate
        /// Serving: PROPOSAL/COMMIT (followers) or INFORM (observers).
        case broadcast
    }

    var leader: PeerID
    /// The role this session was opened in; a reconfiguration that changes it ends the session.
    var type: LearnerType
    var phase: Phase = .awaitingLeaderInfo
    /// Tick of the last packet from the leader.
    var lastHeard: Int
    /// The epoch the leader announced in LEADERINFO.
    var newEpoch: Int64 = -1
    /// The NEWLEADER zxid we still owe an ACK for, until our log is durable through `syncEnd`.
    var newLeaderZxid: Zxid?
    /// Our last zxid when NEWLEADER arrived: the history the NEWLEADER ACK vouches for. Proposals that
    /// follow it are acked one by one, so they need not hold up the ACK.
    var syncEnd: Zxid = .zero
    var newLeaderAcked = false
    /// The highest zxid we told the leader is durable.
    var ackedThrough: Zxid = .zero
    /// When we (re)sent our info packet: until the leader answers we retry, as Apache's learner retries
    /// connecting to a leader that is not listening yet (it may still be finishing its election).
    var connectedAt: Int
    var heardFromLeader = false
}
