/// A ballot in leader election: who should lead, how recent that server's history is, and the
/// election round. Apache: `org.apache.zookeeper.server.quorum.Vote`.
public struct Vote: Hashable, Sendable, CustomStringConvertible {
    public var leader: PeerID
    /// Last logged zxid of the proposed leader.
    public var zxid: Zxid
    /// The election round (`logicalclock`) the vote was cast in.
    public var electionEpoch: Int64
    /// The proposed leader's currentEpoch.
    public var peerEpoch: Int64

    public init(leader: PeerID, zxid: Zxid, electionEpoch: Int64, peerEpoch: Int64) {
        self.leader = leader
        self.zxid = zxid
        self.electionEpoch = electionEpoch
        self.peerEpoch = peerEpoch
    }

    /// Apache's `FastLeaderElection.totalOrderPredicate`: a higher peer epoch wins, then a higher zxid,
    /// then a higher server id. The election round is not part of the order.
    public func supersedes(_ other: Vote) -> Bool {
        if peerEpoch != other.peerEpoch { return peerEpoch > other.peerEpoch }
        if zxid != other.zxid { return zxid > other.zxid }
        return leader > other.leader
    }

    /// Whether two votes elect the same leader: Apache's `Vote.equals`. Votes from servers that already
    /// finished an election may come from different rounds, so only leader and peer epoch are compared.
    func agrees(with other: Vote, sameRound: Bool) -> Bool {
        if sameRound {
            return leader == other.leader && zxid == other.zxid
                && electionEpoch == other.electionEpoch && peerEpoch == other.peerEpoch
        }
        return leader == other.leader && peerEpoch == other.peerEpoch
    }

    public var description: String { "vote(\(leader) zxid=\(zxid) round=\(electionEpoch) epoch=\(peerEpoch))" }
}
