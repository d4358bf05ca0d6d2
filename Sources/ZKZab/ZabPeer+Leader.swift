import NIOCore
extension ZabPeer {
    mutating func becomeLeader() {
        role = .leading(
            Leadership(
                deadline: now + config.initLimit, connecting: [id: acceptedEpoch],
                summaryEpoch: currentEpoch, summaryZxid: log.lastZxid, lastPing: now))
        pending.events.append(.stateChanged(.leading))
        decideEpochIfQuorum()
    }

    mutating func leaderStep(_ message: ZabMessage, from peer: PeerID) {
        guard case .leading(var l) = role else { return }
        switch message {
        case .followerInfo(let zxid), .observerInfo(let zxid):
            let type: LearnerType
            if case .followerInfo = message { type = .participant } else { type = .observer }
            // A member connects in its role under the active or the pending configuration; a server in
            // neither may sync as a non-voter ahead of the reconfiguration that adds it (as Apache's
            // LearnerHandler lets it), and counts for nothing until then.
            let roles = [config.membership.role(of: peer), pendingReconfig?.role(of: peer)]
            guard roles.contains(type) || roles.allSatisfy({ $0 == nil }) else { return }
            if type == .participant && l.phase != .discovery && zxid.epoch > l.newEpoch {
                // It promised a later epoch to another candidate and will refuse ours. Apache keeps leading
                // without it until the next election; we start that election now so that its epoch is
                // above every promise and the whole ensemble can follow.
                return stopServing("learner \(peer) accepted epoch \(zxid.epoch) above ours (\(l.newEpoch))")
            }
            // A new connection replaces whatever we had for this learner.
            var handle = LearnerHandle(type: type, lastHeard: now, deadline: now + config.initLimit)
            handle.connectedAt = now
            if l.phase == .discovery {
                if type == .participant && config.participants.contains(peer) { l.connecting[peer] = zxid.epoch }
            } else {
                handle.phase = .awaitingAckEpoch
                send(.leaderInfo(Zxid(epoch: l.newEpoch, counter: 0)), to: peer)
            }
            l.learners[peer] = handle
            role = .leading(l)
            decideEpochIfQuorum()
            return
        default:
            break
        }
        guard var handle = l.learners[peer] else { return }
        handle.lastHeard = now
        l.learners[peer] = handle
        role = .leading(l)
        switch (message, handle.phase) {
        case (.ping, _):
            break
        case (.ackEpoch(let lastZxid, let reported), .awaitingAckEpoch):
            handle.peerLast = lastZxid
            if reported != -1 && l.phase == .awaitingEpochAcks {
                let theirs = Int64(reported)
                if theirs > l.summaryEpoch || (theirs == l.summaryEpoch && lastZxid > l.summaryZxid) {
                    // FLE elected us as the newest history; a newer one in our epoch quorum means the
                    // election went wrong. Apache drops the learner and times out; we re-elect at once.
                    return stopServing("learner \(peer) is ahead: epoch \(theirs) zxid \(lastZxid)")
                }
                if handle.type == .participant { l.epochAcks.insert(peer) }
            }
            // Once the epoch quorum is in (Apache's electionFinished), a learner's extra entries cannot
            // be committed (a quorum without them is not behind us): its sync truncates them.
            if l.phase == .awaitingEpochAcks {
                handle.phase = .awaitingQuorum
                l.learners[peer] = handle
                role = .leading(l)
                finishEpochIfQuorum()
            } else {
                l.learners[peer] = handle
                role = .leading(l)
                startSync(peer)
            }
        case (.ack(let zxid), .awaitingNewLeaderAck(let syncEnd)):
            guard zxid == Zxid(epoch: l.newEpoch, counter: 0) else { return }
            if handle.type == .participant {
                handle.ackedThrough = syncEnd
                l.newLeaderAcks.insert(peer)
            }
            if l.phase == .broadcast {
                handle.phase = .broadcast
                l.learners[peer] = handle
                role = .leading(l)
                send(.upToDate, to: peer)
                commitIfQuorum()
            } else {
                handle.phase = .awaitingUpToDate
                l.learners[peer] = handle
                role = .leading(l)
                establishIfQuorum()
            }
        case (.ack(let zxid), .awaitingUpToDate), (.ack(let zxid), .broadcast):
            guard handle.type == .participant, zxid <= log.lastZxid, zxid > handle.ackedThrough else { return }
            handle.ackedThrough = zxid
            l.learners[peer] = handle
            role = .leading(l)
            commitIfQuorum()
        case (.request(let payload), .broadcast):
            _ = try? leaderPropose(payload)
        default:
            break  // stale or out-of-phase packets from a learner are dropped, as Apache logs and drops them
        }
    }

    /// Once a quorum of participants connected, the new epoch is one above every acceptedEpoch seen, so
    /// no two leaders can be established in the same epoch (each participant accepts an epoch once).
    private mutating func decideEpochIfQuorum() {
        guard case .leading(var l) = role, l.phase == .discovery, config.isQuorum(l.connecting.keys) else { return }
        l.newEpoch = (l.connecting.values.max() ?? acceptedEpoch) + 1
        l.initialHistoryEnd = log.lastZxid
        l.phase = .awaitingEpochAcks
        l.deadline = now + config.initLimit
        for (peer, handle) in l.learners.sorted(by: { $0.key < $1.key }) where handle.phase == .connected {
            l.learners[peer]?.phase = .awaitingAckEpoch
            send(.leaderInfo(Zxid(epoch: l.newEpoch, counter: 0)), to: peer)
        }
        role = .leading(l)
        setAcceptedEpoch(l.newEpoch)
        updateElectionVote(l.newEpoch)
        finishEpochIfQuorum()
    }

    /// With a quorum of ACKEPOCHs (ours counts once our log is durable, see `setCurrentEpoch`), the
    /// epoch is ours: record it and sync everyone waiting.
    private mutating func finishEpochIfQuorum() {
        guard case .leading(var l) = role, l.phase == .awaitingEpochAcks else { return }
        if durableThrough == log.lastZxid { l.epochAcks.insert(id) }
        // We are always part of the quorum (Apache's waitForEpochAck(self)): the epoch becomes ours only
        // once our own history is durable.
        guard l.epochAcks.contains(id), config.isQuorum(l.epochAcks) else {
            role = .leading(l)
            return
        }
        l.phase = .synchronizing
        l.deadline = now + config.initLimit
        l.newLeaderAcks = [id]
        var announced = config.membership
        if config.reconfigEnabled && announced.version == 0 && pendingReconfig == nil {
            announced.version = Zxid(epoch: l.newEpoch, counter: 0).rawValue
        }
        l.announcedConfig = announced
        role = .leading(l)
        setCurrentEpoch(l.newEpoch, durableThrough: log.lastZxid)
        for (peer, handle) in l.learners.sorted(by: { $0.key < $1.key }) where handle.phase == .awaitingQuorum {
            startSync(peer)
        }
        establishIfQuorum()
    }

    /// Queues DIFF/TRUNC/SNAP, the missing entries, the commit point and NEWLEADER for one learner.
    private mutating func startSync(_ peer: PeerID) {
        guard case .leading(var l) = role, var handle = l.learners[peer] else { return }
        let base: Zxid
        switch SyncPlan.choose(peerLast: handle.peerLast, log: log) {
        case .diff(let from):
            send(.diff(from), to: peer)
            base = from
        case .trunc(let to):
            send(.trunc(to), to: peer)
            base = to
        case .snap:
            guard let snapshot = log.snapshot else { preconditionFailure("SNAP chosen without a snapshot") }
            send(.snap(snapshot), to: peer)
            base = snapshot.zxid
        }
        for entry in log.entries(after: base, through: log.lastZxid) { send(.proposal(entry), to: peer) }
        if lastCommitted > .zero { send(.commit(lastCommitted), to: peer) }
        let announced = l.phase == .broadcast ? config.membership : (l.announcedConfig ?? config.membership)
        send(.newLeader(Zxid(epoch: l.newEpoch, counter: 0), config: announced), to: peer)
        handle.phase = .awaitingNewLeaderAck(syncEnd: log.lastZxid)
        handle.deadline = now + config.initLimit
        l.learners[peer] = handle
        role = .leading(l)
    }

    /// A quorum holds the initial history durably: it is committed, and we serve.
    private mutating func establishIfQuorum() {
        guard case .leading(var l) = role, l.phase == .synchronizing, config.isQuorum(l.newLeaderAcks) else { return }
        l.phase = .broadcast
        role = .leading(l)
        if let announced = l.announcedConfig, announced.version > config.configVersion { activate(announced) }
        commitAsLeader(through: l.initialHistoryEnd)
        for (peer, handle) in l.learners.sorted(by: { $0.key < $1.key }) where handle.phase == .awaitingUpToDate {
            l.learners[peer]?.phase = .broadcast
            send(.upToDate, to: peer)
        }
        role = .leading(l)
        pending.events.append(.leading(epoch: l.newEpoch))
        commitIfQuorum()
    }

    mutating func leaderPropose(_ payload: ByteBuffer, reconfig: Membership? = nil) throws(ZabError) -> Zxid {
        guard case .leading(let l) = role, l.phase == .broadcast else { throw .notServing(leader: leader) }
        guard let zxid = nextProposalZxid else {
            // Apache: "zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start".
            stopServing("zxid counter of epoch \(l.newEpoch) exhausted")
            throw .counterExhausted
        }
        var entry = LogEntry(zxid: zxid, payload: payload, reconfig: reconfig)
        entry.reconfig?.version = zxid.rawValue
        appendToLog(entry)
        for (peer, handle) in l.learners.sorted(by: { $0.key < $1.key }) where handle.isForwarding && handle.type == .participant {
            send(.proposal(entry), to: peer)
        }
        return zxid
    }

    /// Commits the highest zxid that a quorum, including us, holds durably; from a pending reconfiguration on,
    /// a quorum of the new configuration must hold it too (Apache's Proposal.hasAllQuorums).
    private mutating func commitIfQuorum() {
        guard case .leading(let l) = role, l.phase == .broadcast else { return }
        var target = min(quorumAcked(config.membership, l), durableThrough)
        if let next = pendingReconfig, target >= Zxid(rawValue: next.version) {
            let reconfigZxid = Zxid(rawValue: next.version)
            let newQuorum = quorumAcked(next, l)
            target = newQuorum >= reconfigZxid ? min(target, newQuorum) : log.largest(below: reconfigZxid)
        }
        if commitAsLeader(through: target) { commitIfQuorum() }
    }

    /// Returns whether a reconfiguration was activated (the new quorum may commit more at once).
    @discardableResult
    private mutating func commitAsLeader(through zxid: Zxid) -> Bool {
        guard case .leading(let l) = role, zxid > lastCommitted else { return false }
        let previous = lastCommitted
        let newly = log.entries(after: previous, through: zxid)
        let activated = commitLocally(through: zxid)
        let reconfigs = newly.filter { $0.reconfig != nil }
        let designated = reconfigs.last?.reconfig.map { designatedLeader($0, l) } ?? id
        for (peer, handle) in l.learners.sorted(by: { $0.key < $1.key }) where handle.isForwarding {
            if handle.type == .participant {
                // Apache commits a reconfiguration with COMMITANDACTIVATE of its own zxid, the rest with COMMIT.
                var committed = previous
                for entry in reconfigs {
                    let before = log.largest(below: entry.zxid)
                    if before > committed { send(.commit(before), to: peer) }
                    send(.commitAndActivate(entry.zxid, designatedLeader: designated), to: peer)
                    committed = entry.zxid
                }
                if lastCommitted > committed { send(.commit(lastCommitted), to: peer) }
            } else {
                for entry in newly {
                    send(entry.reconfig == nil ? .inform(entry) : .informAndActivate(entry, designatedLeader: designated), to: peer)
                }
            }
        }
        if activated { leaderActivated() }
        guard case .leading = role else { return false }
        return activated
    }

    mutating func leaderPersisted() {
        guard case .leading(let l) = role else { return }
        switch l.phase {
        case .awaitingEpochAcks: finishEpochIfQuorum()
        case .broadcast: commitIfQuorum()
        default: break
        }
    }

    mutating func leaderTick() {
        guard case .leading(var l) = role else { return }
        if l.phase != .broadcast && now > l.deadline {
            return stopServing("no quorum for epoch \(l.newEpoch) within initLimit (\(l.phase))")
        }
        for (peer, handle) in l.learners {
            let silent = now - handle.lastHeard
            switch handle.phase {
            case .broadcast where silent > config.syncLimit: l.learners[peer] = nil
            case .awaitingNewLeaderAck where now > handle.deadline: l.learners[peer] = nil
            case _ where silent > config.initLimit: l.learners[peer] = nil
            default: break
            }
        }
        role = .leading(l)
        if l.phase == .broadcast {
            let supporters = l.learners.filter { $0.value.countsForCommit }.keys
            if !config.isQuorum(supporters + [id]) {
                return stopServing("lost quorum: only \(supporters.sorted()) still synced")
            }
        }
        if now - l.lastPing >= config.pingInterval {
            l.lastPing = now
            role = .leading(l)
            for peer in l.learners.keys.sorted() { send(.ping(log.lastZxid), to: peer) }
        }
    }
}
