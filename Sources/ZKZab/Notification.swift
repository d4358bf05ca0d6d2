/// An election message: the sender's state and current vote. Apache: `FastLeaderElection.Notification`
/// and `ToSend` (the sender's id is the connection's, passed to `ZabPeer.step(_:from:)`).
public struct Notification: Hashable, Sendable, CustomStringConvertible {
    public var state: ServerState
    public var vote: Vote

    public init(state: ServerState, vote: Vote) {
        self.state = state
        self.vote = vote
    }

    public var leader: PeerID { vote.leader }
    public var zxid: Zxid { vote.zxid }
    public var electionEpoch: Int64 { vote.electionEpoch }
    public var peerEpoch: Int64 { vote.peerEpoch }

    public var description: String { "\(state) \(vote)" }
}

extension Notification {
    /// Apache's `Vote.equals`: full comparison when either side is still looking, otherwise only the
    /// leader and its epoch (settled servers may have finished in different rounds).
    func agrees(with other: Notification) -> Bool {
        vote.agrees(with: other.vote, sameRound: state == .looking || other.state == .looking)
    }
}
