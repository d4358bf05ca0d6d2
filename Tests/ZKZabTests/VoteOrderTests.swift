import Testing
import ZKZab

/// Apache's FastLeaderElection.totalOrderPredicate: peer epoch, then zxid, then server id.
@Suite struct VoteOrderTests {
    func vote(_ leader: PeerID, _ epoch: Int64, _ counter: UInt32, peerEpoch: Int64, round: Int64 = 1) -> Vote {
        Vote(leader: leader, zxid: Zxid(epoch: epoch, counter: counter), electionEpoch: round, peerEpoch: peerEpoch)
    }

    @Test func higherPeerEpochWinsOverALongerLog() {
        #expect(vote(1, 1, 1, peerEpoch: 3).supersedes(vote(2, 2, 9, peerEpoch: 2)))
        #expect(!vote(2, 2, 9, peerEpoch: 2).supersedes(vote(1, 1, 1, peerEpoch: 3)))
    }

    @Test func thenTheHigherZxid() {
        #expect(vote(1, 2, 5, peerEpoch: 2).supersedes(vote(3, 2, 4, peerEpoch: 2)))
        #expect(!vote(3, 2, 4, peerEpoch: 2).supersedes(vote(1, 2, 5, peerEpoch: 2)))
    }

    @Test func thenTheHigherServerID() {
        #expect(vote(3, 2, 4, peerEpoch: 2).supersedes(vote(2, 2, 4, peerEpoch: 2)))
        #expect(!vote(2, 2, 4, peerEpoch: 2).supersedes(vote(3, 2, 4, peerEpoch: 2)))
        #expect(!vote(2, 2, 4, peerEpoch: 2).supersedes(vote(2, 2, 4, peerEpoch: 2)))
    }

    @Test func theElectionRoundIsNotPartOfTheOrder() {
        #expect(!vote(2, 2, 4, peerEpoch: 2, round: 9).supersedes(vote(2, 2, 4, peerEpoch: 2, round: 1)))
    }
}
