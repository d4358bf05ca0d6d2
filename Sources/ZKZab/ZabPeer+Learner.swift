extension ZabPeer {
    mutating func becomeLearner(of leader: PeerID) {
        role = .following(LearnerSession(leader: leader, type: config.learnerType, lastHeard: now, connectedAt: now))
        pending.events.append(.stateChanged(state))
        sendLearnerInfo(to: leader)
    }

    /// A new connection to the leader starts with our info packet (the host opens it here).
    private mutating func sendLearnerInfo(to leader: PeerID) {
        let info = Zxid(epoch: acceptedEpoch, counter: 0)
        send(config.learnerType == .participant ? .followerInfo(info) : .observerInfo(info), to: leader)
    }

    mutating func learnerStep(_ message: ZabMessage, from peer: PeerID) {
        guard case .following(var session) = role, peer == session.leader else { return }
        session.lastHeard = now
        session.heardFromLeader = true
        role = .following(session)
        if session.phase != .awaitingLeaderInfo, let zxid = message.historyZxid, zxid.epoch > session.newEpoch {
            // A leader of epoch e holds nothing from a later epoch.
            return stopServing("\(message) from leader \(peer) of epoch \(session.newEpoch)")
        }
        switch (message, session.phase) {
        case (.ping, _):
            send(.ping(log.lastZxid), to: peer)
        case (.leaderInfo(let zxid), .awaitingLeaderInfo):
            let epoch = zxid.epoch
            let reported: Int32
            if epoch > acceptedEpoch {
                reported = Int32(truncatingIfNeeded: currentEpoch)
                setAcceptedEpoch(epoch)
            } else if epoch == acceptedEpoch {
                // Already promised to this epoch (a reconnect): say so, the leader must not count us twice.
                reported = -1
            } else {
                return stopServing("leader \(peer) offers epoch \(epoch) below our acceptedEpoch \(acceptedEpoch)")
            }
            session.newEpoch = epoch
            session.phase = .awaitingSync
            updateElectionVote(epoch)
            role = .following(session)
            send(.ackEpoch(lastZxid: log.lastZxid, currentEpoch: reported), to: peer)
        case (_, .awaitingLeaderInfo):
            // LEADERINFO opens every session: anything before it is left over from an earlier connection
            // to this server (the host may already route the leader's packets to our new connection).
            return
        case (.diff(let zxid), .awaitingSync):
            guard zxid == log.lastZxid else { return stopServing("DIFF from \(zxid) but our log ends at \(log.lastZxid)") }
            session.phase = .syncing
            role = .following(session)
        case (.trunc(let zxid), .awaitingSync):
            guard log.contains(zxid) else { return stopServing("TRUNC to \(zxid), which our log does not hold") }
            guard zxid >= lastCommitted else { return stopServing("TRUNC to \(zxid) would undo commits through \(lastCommitted)") }
            log.truncate(after: zxid)
            pending.storage.append(.truncate(after: zxid))
            durableThrough = min(durableThrough, zxid)
            findPendingReconfig()
            session.phase = .syncing
            role = .following(session)
        case (.snap(let snapshot), .awaitingSync):
            guard snapshot.zxid >= lastCommitted else {
                return stopServing("SNAP at \(snapshot.zxid) would undo commits through \(lastCommitted)")
            }
            log.install(snapshot)
            pending.storage.append(.installSnapshot(snapshot))
            // The snapshot replaces the application state, including anything queued to apply.
            pending.committed.removeAll { $0.zxid <= snapshot.zxid }
            lastCommitted = snapshot.zxid
            durableThrough = snapshot.zxid
            findPendingReconfig()
            session.phase = .syncing
            role = .following(session)
        case (.proposal(let entry), .syncing), (.proposal(let entry), .awaitingUpToDate), (.proposal(let entry), .broadcast):
            guard config.learnerType == .participant || session.phase == .syncing else {
                return stopServing("PROPOSAL sent to an observer")
            }
            guard log.accepts(entry.zxid) else {
                return stopServing("PROPOSAL \(entry.zxid) does not follow \(log.lastZxid)")
            }
            appendToLog(entry)
        case (.commit(let zxid), .syncing), (.commit(let zxid), .awaitingUpToDate), (.commit(let zxid), .broadcast):
            guard zxid <= log.lastZxid else { return stopServing("COMMIT \(zxid) beyond our log \(log.lastZxid)") }
            if commitLocally(through: zxid) { learnerActivated(servedAs: session.type) }
        case (.commitAndActivate(let zxid, let designated), .syncing), (.commitAndActivate(let zxid, let designated), .awaitingUpToDate),
             (.commitAndActivate(let zxid, let designated), .broadcast):
            guard log.entry(zxid)?.reconfig != nil else {
                return stopServing("COMMITANDACTIVATE \(zxid) names no reconfiguration in our log")
            }
            if commitLocally(through: zxid) { learnerActivated(designatedLeader: designated, servedAs: session.type) }
        case (.informAndActivate(let entry, let designated), .awaitingUpToDate), (.informAndActivate(let entry, let designated), .broadcast):
            guard entry.reconfig != nil else { return stopServing("INFORMANDACTIVATE \(entry.zxid) carries no reconfiguration") }
            guard receiveInform(entry) else { return }
            if commitLocally(through: entry.zxid) { learnerActivated(designatedLeader: designated, servedAs: session.type) }
        case (.inform(let entry), .awaitingUpToDate), (.inform(let entry), .broadcast):
            guard receiveInform(entry) else { return }
            if commitLocally(through: entry.zxid) { learnerActivated(servedAs: session.type) }
        case (.newLeader(let zxid, let membership), .syncing):
            guard zxid.epoch == session.newEpoch else {
                return stopServing("NEWLEADER for epoch \(zxid.epoch), expected \(session.newEpoch)")
            }
            session.newLeaderZxid = zxid
            session.syncEnd = log.lastZxid
            session.phase = .awaitingUpToDate
            role = .following(session)
            if let membership, membership.version > config.configVersion {
                // Synced by SNAP, or the reconfiguration's entry went before our log starts: the leader's word.
                activate(membership)
                learnerActivated(servedAs: session.type)
                guard case .following = role else { return }
            }
            ackNewLeaderIfDurable()
        case (.upToDate, .awaitingUpToDate) where session.newLeaderAcked:
            session.phase = .broadcast
            role = .following(session)
            pending.events.append(.following(leader: peer, epoch: session.newEpoch))
        default:
            stopServing("unexpected \(message) from leader \(peer) in \(session.phase)")
        }
    }

    /// Logs an INFORM's entry unless the sync already did; false when the learner stopped over it.
    private mutating func receiveInform(_ entry: LogEntry) -> Bool {
        guard config.learnerType == .observer else {
            stopServing("INFORM sent to a follower")
            return false
        }
        if let existing = log.entry(entry.zxid) {
            // Already logged during sync, committed only now.
            guard existing == entry else {
                stopServing("INFORM \(entry.zxid) differs from our log")
                return false
            }
        } else {
            guard log.accepts(entry.zxid) else {
                stopServing("INFORM \(entry.zxid) does not follow \(log.lastZxid)")
                return false
            }
            appendToLog(entry)
        }
        return true
    }

    /// ZOOKEEPER-3911/4646: the NEWLEADER ACK promises the leader that the whole synced history is on
    /// disk, so it waits for durability; currentEpoch moves only after that history is durable.
    /// (Waiting for the whole log instead would starve a learner that keeps receiving proposals.)
    mutating func ackNewLeaderIfDurable() {
        guard case .following(var session) = role, let zxid = session.newLeaderZxid, !session.newLeaderAcked,
            durableThrough >= session.syncEnd
        else { return }
        if currentEpoch < zxid.epoch { setCurrentEpoch(zxid.epoch, durableThrough: session.syncEnd) }
        session.newLeaderAcked = true
        session.ackedThrough = session.syncEnd
        role = .following(session)
        send(.ack(zxid), to: session.leader)
    }

    mutating func learnerPersisted() {
        ackNewLeaderIfDurable()
        guard case .following(var session) = role, session.newLeaderAcked else { return }
        // Acks are cumulative: everything through durableThrough is on disk.
        guard config.learnerType == .participant, durableThrough > session.ackedThrough else { return }
        session.ackedThrough = durableThrough
        role = .following(session)
        send(.ack(durableThrough), to: session.leader)
    }

    mutating func learnerTick() {
        guard case .following(var session) = role else { return }
        let limit = session.phase == .broadcast ? config.syncLimit : config.initLimit
        if now - session.lastHeard > limit {
            return stopServing("no word from leader \(session.leader) for \(now - session.lastHeard) ticks")
        }
        if !session.heardFromLeader && now - session.connectedAt >= config.resendInterval {
            session.connectedAt = now
            role = .following(session)
            sendLearnerInfo(to: session.leader)
        }
    }
}
