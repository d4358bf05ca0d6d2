extension ZabPeer {
    var initialVote: Vote {
        Vote(leader: id, zxid: log.lastZxid, electionEpoch: logicalClock, peerEpoch: currentEpoch)
    }

    /// Apache's `QuorumPeer.updateElectionVote` (ZOOKEEPER-1732): once the new epoch is known, report it
    /// as the leader's epoch. Servers that joined the leader in different rounds otherwise report
    /// different peer epochs for one leader, and a restarted server never sees a quorum agree on it.
    mutating func updateElectionVote(_ epoch: Int64) {
        currentVote.peerEpoch = epoch
    }

    mutating func startElection(reason: String) {
        logicalClock += 1
        let proposal = initialVote
        var election = Election(proposal: proposal, resendAt: now + config.resendInterval, resendInterval: config.resendInterval)
        if config.isVoter {
            election.received[id] = Notification(state: .looking, vote: proposal)
        }
        role = .looking(election)
        pending.events.append(.stateChanged(.looking))
        broadcastProposal(proposal)
        checkElectionDecision()
    }

    private mutating func broadcastProposal(_ proposal: Vote) {
        for peer in config.participants.sorted() where peer != id {
            send(.notification(Notification(state: .looking, vote: proposal)), to: peer)
        }
    }

    mutating func receiveNotification(_ n: Notification, from peer: PeerID) {
        guard case .looking(var election) = role else {
            if case .following(let session) = role, session.phase == .awaitingLeaderInfo, peer == session.leader,
                n.state == .following || n.state == .observing || (n.state == .looking && n.leader != peer)
            {
                // The server we chose is not going to lead (it settled elsewhere, or now votes for
                // another): look again now rather than after initLimit of unanswered FOLLOWERINFOs.
                stopServing("\(peer) is not leading: \(n)")
                return receiveNotification(n, from: peer)
            }
            // Settled servers answer anyone still looking with the leader they follow.
            if n.state == .looking { send(.notification(Notification(state: state, vote: currentVote)), to: peer) }
            return
        }
        guard config.participants.contains(peer) else {
            // Observers do not vote; tell them where we stand so they can find the leader.
            send(.notification(Notification(state: .looking, vote: election.proposal)), to: peer)
            return
        }
        if !config.isVoter {
            // An observer, or a server a reconfiguration removed: it follows whoever a quorum follows.
            guard n.state == .following || n.state == .leading else { return }
            election.outOfElection[peer] = n
            role = .looking(election)
            if agreeingQuorum(election.outOfElection, with: n) && leaderCheck(election.outOfElection, n) {
                decide(n.vote)
            }
            return
        }
        switch n.state {
        case .looking:
            if n.electionEpoch > logicalClock {
                logicalClock = n.electionEpoch
                election.received = [:]
                let mine = initialVote
                election.proposal = n.vote.supersedes(mine) ? n.vote : mine
                election.proposal.electionEpoch = logicalClock
                election.received[id] = Notification(state: .looking, vote: election.proposal)
                election.decideAt = nil
                broadcastProposal(election.proposal)
            } else if n.electionEpoch < logicalClock {
                // A server in an older round: show it ours so it catches up.
                send(.notification(Notification(state: .looking, vote: election.proposal)), to: peer)
                role = .looking(election)
                return
            } else if n.vote.supersedes(election.proposal) {
                election.proposal = n.vote
                election.received[id] = Notification(state: .looking, vote: election.proposal)
                election.decideAt = nil
                broadcastProposal(election.proposal)
            }
            election.received[peer] = n
            role = .looking(election)
            checkElectionDecision()
        case .following, .leading:
            if n.electionEpoch == logicalClock {
                election.received[peer] = n
                if agreeingQuorum(election.received, with: n) && leaderCheck(election.received, n) {
                    role = .looking(election)
                    decide(n.vote)
                    return
                }
            }
            election.outOfElection[peer] = n
            role = .looking(election)
            if agreeingQuorum(election.outOfElection, with: n) && leaderCheck(election.outOfElection, n) {
                logicalClock = n.electionEpoch
                decide(n.vote)
            }
        case .observing:
            role = .looking(election)
        }
    }

    /// Apache's `termPredicate`: a quorum of participants' notifications agree with `n`.
    private func agreeingQuorum(_ votes: [PeerID: Notification], with n: Notification) -> Bool {
        config.isQuorum(votes.filter { $0.value.agrees(with: n) }.keys)
    }

    /// Apache's `checkLeader`: never follow a leader we have not heard claim the lead itself.
    private func leaderCheck(_ votes: [PeerID: Notification], _ n: Notification) -> Bool {
        if n.leader != id { return votes[n.leader]?.state == .leading }
        return logicalClock == n.electionEpoch
    }

    /// Starts the finalize wait once a quorum agrees on our proposal, or decides at once when every
    /// participant does.
    private mutating func checkElectionDecision() {
        guard case .looking(var election) = role, config.isVoter else { return }
        let mine = Notification(state: .looking, vote: election.proposal)
        let agreeing = election.received.filter { $0.value.agrees(with: mine) }.keys
        if agreeing.count == config.participants.count {
            decide(election.proposal)
        } else if config.isQuorum(agreeing) {
            if election.decideAt == nil { election.decideAt = now + config.finalizeWait }
            role = .looking(election)
        } else {
            election.decideAt = nil
            role = .looking(election)
        }
    }

    mutating func electionTick() {
        guard case .looking(var election) = role else { return }
        if let at = election.decideAt, now >= at {
            election.decideAt = nil
            role = .looking(election)
            let mine = Notification(state: .looking, vote: election.proposal)
            if config.isQuorum(election.received.filter({ $0.value.agrees(with: mine) }).keys) {
                decide(election.proposal)
                return
            }
        }
        if now >= election.resendAt {
            // Nothing settled yet: our notifications may have been lost. Back off like Apache's notTimeout.
            election.resendInterval = min(election.resendInterval * 2, config.maxResendInterval)
            election.resendAt = now + election.resendInterval
            role = .looking(election)
            broadcastProposal(election.proposal)
        }
    }

    private mutating func decide(_ vote: Vote) {
        if vote.leader == id {
            guard config.isVoter else { return }
            currentVote = vote
            becomeLeader()
        } else {
            currentVote = vote
            becomeLearner(of: vote.leader)
        }
    }
}
