import Testing
import ZKZab

/// Drives single peers by hand through election, discovery, synchronization and broadcast.
@Suite struct EpochNegotiationTests {
    func z(_ e: Int64, _ c: UInt32) -> Zxid { Zxid(epoch: e, counter: c) }
    func entry(_ e: Int64, _ c: UInt32) -> LogEntry { LogEntry(zxid: z(e, c), payload: [UInt8(e), UInt8(c)]) }
    let three: Set<PeerID> = [1, 2, 3]

    /// Peer 1 with history 4.1 4.2 (currentEpoch 4), elected by peer 2's vote.
    func electedLeader() -> ZabPeer {
        var peer = try! ZabPeer(
            config: ZabConfig(id: 1, participants: three),
            state: PersistentState(acceptedEpoch: 4, currentEpoch: 4, log: [entry(4, 1), entry(4, 2)]))
        let first = peer.takeReady()
        #expect(first.messages.map(\.to).sorted() == [2, 3])
        peer.step(.notification(Notification(state: .looking, vote: Vote(leader: 1, zxid: z(4, 2), electionEpoch: 1, peerEpoch: 4))), from: 2)
        #expect(peer.state == .looking, "a quorum agrees, but we wait finalizeWait for a better vote")
        peer.tick()
        #expect(peer.state == .leading)
        _ = peer.takeReady()
        return peer
    }

    @Test func newEpochIsAboveEveryAcceptedEpochOfTheQuorum() {
        var leader = electedLeader()
        leader.step(.followerInfo(z(6, 0)), from: 2)
        let ready = leader.takeReady()
        #expect(ready.storage == [.setAcceptedEpoch(7)])
        #expect(ready.messages == [Outgoing(to: 2, message: .leaderInfo(z(7, 0)))])
        #expect(leader.acceptedEpoch == 7 && leader.currentEpoch == 4, "currentEpoch waits for the ACKEPOCH quorum")
    }

    @Test func syncThenEstablishThenBroadcast() throws {
        var leader = electedLeader()
        leader.step(.followerInfo(z(6, 0)), from: 2)
        _ = leader.takeReady()
        leader.step(.ackEpoch(lastZxid: z(4, 1), currentEpoch: 4), from: 2)
        var ready = leader.takeReady()
        #expect(ready.storage == [.setCurrentEpoch(7)])
        #expect(ready.messages.map(\.message) == [.diff(z(4, 1)), .proposal(entry(4, 2)), .newLeader(z(7, 0), config: Membership(participants: three))])
        #expect(leader.servingEpoch == nil, "not established before a quorum acks NEWLEADER")
        #expect(throws: ZabError.notServing(leader: 1)) { try leader.propose([1]) }

        leader.step(.ack(z(7, 0)), from: 2)
        ready = leader.takeReady()
        #expect(ready.committed == [entry(4, 1), entry(4, 2)], "the initial history commits at establishment")
        #expect(ready.messages.map(\.message) == [.commit(z(4, 2)), .upToDate])
        #expect(ready.events.contains(.leading(epoch: 7)))
        #expect(leader.servingEpoch == 7)

        #expect(leader.nextProposalZxid == z(7, 1))
        #expect(try leader.propose([42]) == .proposed(z(7, 1)))
        ready = leader.takeReady()
        #expect(ready.storage == [.append(LogEntry(zxid: z(7, 1), payload: [42]))])
        #expect(ready.messages == [Outgoing(to: 2, message: .proposal(LogEntry(zxid: z(7, 1), payload: [42])))])
        leader.step(.ack(z(7, 1)), from: 2)
        #expect(leader.takeReady().committed.isEmpty, "the leader's own copy is not durable yet")
        leader.persisted(through: z(7, 1))
        ready = leader.takeReady()
        #expect(ready.committed == [LogEntry(zxid: z(7, 1), payload: [42])])
        #expect(ready.messages == [Outgoing(to: 2, message: .commit(z(7, 1)))])
    }

    @Test func leaderRefusesAFollowerWithANewerHistory() {
        var leader = electedLeader()
        leader.step(.followerInfo(z(5, 0)), from: 2)
        _ = leader.takeReady()
        leader.step(.ackEpoch(lastZxid: z(5, 3), currentEpoch: 5), from: 2)
        #expect(leader.state == .looking)
        #expect(leader.currentEpoch == 4)
    }

    @Test func inconsistentConfigOrDiskIsReportedBeforeStarting() {
        #expect(throws: ZabSetupError.self) { try ZabConfig(id: 4, participants: three).validate() }
        #expect(throws: ZabSetupError.self) { try ZabConfig(id: 1, participants: three, observers: [1]).validate() }
        #expect(throws: ZabSetupError.self) { try ZabConfig(id: 1, participants: three, syncLimit: 0).validate() }
        #expect(throws: ZabSetupError.self) { try PersistentState(acceptedEpoch: 1, currentEpoch: 2).validate() }
        #expect(throws: ZabSetupError.self) {
            try PersistentState(acceptedEpoch: 4, currentEpoch: 4, log: [entry(4, 1), entry(4, 3)]).validate()
        }
        #expect(throws: ZabSetupError.self) { try PersistentState(acceptedEpoch: 3, currentEpoch: 3, log: [entry(4, 1)]).validate() }
        #expect(throws: Never.self) {
            try PersistentState(acceptedEpoch: 4, currentEpoch: 3, snapshot: Snapshot(zxid: z(3, 9), data: []), log: [entry(4, 1)]).validate()
        }
        // The peer itself refuses such a state with an error a host can report, instead of trapping.
        #expect(throws: ZabSetupError.invalidState("log entry \(z(4, 1)) is from an epoch above acceptedEpoch 3")) {
            _ = try ZabPeer(config: ZabConfig(id: 1, participants: three), state: PersistentState(acceptedEpoch: 3, currentEpoch: 3, log: [entry(4, 1)]))
        }
    }

    @Test func entriesFromALaterEpochThanTheLeadersAreRefused() {
        var follower = electedFollower()
        follower.step(.leaderInfo(z(7, 0)), from: 1)
        follower.step(.diff(.zero), from: 1)
        follower.step(.proposal(entry(9, 1)), from: 1)
        #expect(follower.state == .looking)
        #expect(follower.lastLogged == .zero)
    }

    /// LEADERINFO opens a session; packets of an earlier connection that arrive before it are ignored
    /// rather than ending the new session (found by the simulator under a mutation run, seed 349).
    @Test func leftoversBeforeLeaderInfoAreIgnored() {
        var follower = electedFollower()
        for leftover in [ZabMessage.upToDate, .commit(z(4, 2)), .proposal(entry(4, 1)), .newLeader(z(6, 0), config: nil), .ping(z(4, 2))] {
            follower.step(leftover, from: 1)
            #expect(follower.state == .following)
        }
        #expect(follower.lastLogged == .zero)
        follower.step(.leaderInfo(z(7, 0)), from: 1)
        #expect(follower.takeReady().messages.last == Outgoing(to: 1, message: .ackEpoch(lastZxid: .zero, currentEpoch: 0)))
    }

    /// FLE's finalize race: we chose peer 1, but peer 1 went on to vote for someone else. Look again at
    /// once instead of retrying FOLLOWERINFO for initLimit ticks (found by the simulator, seed 732).
    @Test func aChosenLeaderThatSettlesElsewhereIsAbandoned() {
        var follower = electedFollower()
        follower.step(.notification(Notification(state: .looking, vote: Vote(leader: 1, zxid: z(4, 2), electionEpoch: 1, peerEpoch: 4))), from: 1)
        #expect(follower.state == .following, "its own vote: still coming")
        follower.step(.notification(Notification(state: .looking, vote: Vote(leader: 3, zxid: z(5, 1), electionEpoch: 1, peerEpoch: 5))), from: 1)
        #expect(follower.state == .looking)

        var other = electedFollower()
        other.step(.notification(Notification(state: .following, vote: Vote(leader: 3, zxid: z(5, 1), electionEpoch: 1, peerEpoch: 6))), from: 1)
        #expect(other.state == .looking)
    }

    @Test func staleLeaderEpochIsRefused() {
        var follower = electedFollower(acceptedEpoch: 9)
        follower.step(.leaderInfo(z(8, 0)), from: 1)
        #expect(follower.state == .looking)
        #expect(follower.acceptedEpoch == 9)
    }

    /// ZOOKEEPER-1732: once the new epoch is known, a server reports it as its leader's epoch, so servers
    /// that joined the leader in different rounds agree and a restarted server can join them.
    @Test func settledServersReportTheNewEpoch() {
        let looking = ZabMessage.notification(Notification(state: .looking, vote: Vote(leader: 3, zxid: .zero, electionEpoch: 1, peerEpoch: 0)))
        var follower = electedFollower()
        follower.step(.leaderInfo(z(7, 0)), from: 1)
        _ = follower.takeReady()
        follower.step(looking, from: 3)
        guard case .notification(let reply) = follower.takeReady().messages.first?.message else {
            Issue.record("no reply")
            return
        }
        #expect(reply.state == .following && reply.leader == 1 && reply.peerEpoch == 7)

        var leader = electedLeader()
        leader.step(.followerInfo(z(6, 0)), from: 2)
        _ = leader.takeReady()
        leader.step(looking, from: 3)
        guard case .notification(let leaderReply) = leader.takeReady().messages.first?.message else {
            Issue.record("no reply")
            return
        }
        #expect(leaderReply.state == .leading && leaderReply.leader == 1 && leaderReply.peerEpoch == 7)
    }

    /// Peer 2 follows peer 1 after seeing its vote.
    func electedFollower(acceptedEpoch: Int64 = 0, currentEpoch: Int64 = 0, log: [LogEntry] = []) -> ZabPeer {
        var peer = try! ZabPeer(
            config: ZabConfig(id: 2, participants: three),
            state: PersistentState(acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch, log: log))
        _ = peer.takeReady()
        peer.step(.notification(Notification(state: .looking, vote: Vote(leader: 1, zxid: z(4, 2), electionEpoch: 1, peerEpoch: 4))), from: 1)
        peer.tick()
        #expect(peer.state == .following)
        let ready = peer.takeReady()
        #expect(ready.messages.last == Outgoing(to: 1, message: .followerInfo(z(acceptedEpoch, 0))))
        return peer
    }

    /// ZOOKEEPER-3911 / 4646: the NEWLEADER ACK and currentEpoch wait until the synced log is durable.
    @Test func followerPersistsBeforeAckingNewLeader() {
        var follower = electedFollower()
        follower.step(.leaderInfo(z(7, 0)), from: 1)
        var ready = follower.takeReady()
        #expect(ready.storage == [.setAcceptedEpoch(7)])
        #expect(ready.messages == [Outgoing(to: 1, message: .ackEpoch(lastZxid: .zero, currentEpoch: 0))])
        for message in [ZabMessage.diff(.zero), .proposal(entry(4, 1)), .proposal(entry(4, 2)), .newLeader(z(7, 0), config: nil)] {
            follower.step(message, from: 1)
        }
        ready = follower.takeReady()
        #expect(ready.storage == [.append(entry(4, 1)), .append(entry(4, 2))])
        #expect(ready.messages.isEmpty)
        follower.persisted(through: z(4, 1))
        #expect(follower.takeReady().messages.isEmpty)
        #expect(follower.currentEpoch == 0)
        follower.persisted(through: z(4, 2))
        ready = follower.takeReady()
        #expect(ready.storage == [.setCurrentEpoch(7)])
        #expect(ready.messages == [Outgoing(to: 1, message: .ack(z(7, 0)))])

        follower.step(.commit(z(4, 2)), from: 1)
        follower.step(.upToDate, from: 1)
        ready = follower.takeReady()
        #expect(ready.committed == [entry(4, 1), entry(4, 2)])
        #expect(ready.events == [.following(leader: 1, epoch: 7)])

        follower.step(.proposal(entry(7, 1)), from: 1)
        #expect(follower.takeReady().messages.isEmpty)
        follower.persisted(through: z(7, 1))
        #expect(follower.takeReady().messages == [Outgoing(to: 1, message: .ack(z(7, 1)))])

        // ZOOKEEPER-4925: a hole in the proposals means a lost transaction; resync instead.
        follower.step(.proposal(entry(7, 3)), from: 1)
        #expect(follower.state == .looking)
    }

    @Test func truncationNeverUndoesACommit() {
        var follower = electedFollower(acceptedEpoch: 4, currentEpoch: 3, log: [entry(4, 1), entry(4, 2)])
        follower.step(.leaderInfo(z(7, 0)), from: 1)
        follower.step(.trunc(z(4, 1)), from: 1)
        var ready = follower.takeReady()
        #expect(ready.storage.contains(.truncate(after: z(4, 1))))
        #expect(follower.lastLogged == z(4, 1))

        // A learner that committed 4.2 refuses a TRUNC below it.
        var committed = electedFollower(acceptedEpoch: 4, currentEpoch: 3, log: [entry(4, 1), entry(4, 2)])
        committed.step(.leaderInfo(z(7, 0)), from: 1)
        committed.step(.diff(z(4, 2)), from: 1)
        committed.step(.commit(z(4, 2)), from: 1)
        committed.step(.newLeader(z(7, 0), config: nil), from: 1)
        _ = committed.takeReady()
        committed.tick()
        for _ in 0..<20 { committed.tick() }
        #expect(committed.state == .looking)
        #expect(committed.lastCommitted == z(4, 2))
        committed.step(.notification(Notification(state: .leading, vote: Vote(leader: 1, zxid: z(4, 2), electionEpoch: 9, peerEpoch: 7))), from: 1)
        committed.step(.notification(Notification(state: .following, vote: Vote(leader: 1, zxid: z(4, 2), electionEpoch: 9, peerEpoch: 7))), from: 3)
        #expect(committed.state == .following)
        committed.step(.leaderInfo(z(8, 0)), from: 1)
        committed.step(.trunc(z(4, 1)), from: 1)
        ready = committed.takeReady()
        #expect(committed.state == .looking)
        #expect(!ready.storage.contains(.truncate(after: z(4, 1))))
    }
}
