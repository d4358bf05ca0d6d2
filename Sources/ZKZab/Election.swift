/// State of one LOOKING period. Apache: the locals of `FastLeaderElection.lookForLeader`.
struct Election: Sendable {
    /// Our current ballot; its electionEpoch is the peer's logicalClock.
    var proposal: Vote
    /// Latest notification from each participant in this round, ours included (Apache's recvset).
    var received: [PeerID: Notification] = [:]
    /// Latest FOLLOWING/LEADING notification from each participant, any round (Apache's outofelection):
    /// how a server that restarted finds a leader that is already established.
    var outOfElection: [PeerID: Notification] = [:]
    /// When a quorum agrees we wait this long for a better vote before deciding (Apache's finalizeWait).
    var decideAt: Int?
    var resendAt: Int
    var resendInterval: Int
}
