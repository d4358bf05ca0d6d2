import Logging
import NIOCore
import ZKDataTree
import ZKProtocol
import ZKServerCore
import ZKZab

extension Replica {
    // MARK: Peers

    /// A message from another member, in the order its connection delivered it.
    public func received(_ message: PeerMessage, from sender: Int64, now: Now) {
        guard peer != nil else { return }
        core.advanceTime(to: now)
        traffic[sender, default: PeerTraffic()].received += 1
        switch message {
        case .zab(let zab):
            if core.role.isLearner || core.role == .notServing { countLearnerInput(zab, now: now) }
            peer!.step(zab, from: sender)
        case .request(let forwarded):
            traffic[sender, default: PeerTraffic()].requests += 1
            core.receiveForwarded(forwarded, from: sender, now: now)
        case .syncAnswered:
            core.forwardedSyncAnswered()
        case .revalidate(let request):
            core.metrics.revalidateCount.increment()
            core.sessionRevalidated(request.sessionId, timeout: request.timeout, from: sender, now: now)
            let valid = core.sessions.isLive(request.sessionId)
            effects.append(.send(.revalidated(RevalidateReply(sessionId: request.sessionId, valid: valid)), to: sender))
        case .revalidated(let reply):
            core.revalidated(reply.sessionId, valid: reply.valid)
        case .learnerPing(let zxid, let sessions):
            // A learner's ping carries the sessions its clients kept alive (Apache's Learner.ping).
            core.touchSessions(sessions.map(\.sessionId), now: now)
            peer!.step(.ping(zxid), from: sender)
        }
        advance()
    }

    /// The quorum connection to `member` broke.
    public func disconnected(_ member: Int64) {
        guard peer != nil else { return }
        peer!.disconnected(member)
        advance()
    }

    // MARK: Carrying Zab's Ready into effects and the core

    /// Turns what Zab has ready into effects, applying commits to the core as it goes (applying is memory
    /// only: the log already holds them). A commit can make the core propose again; the loop takes that too,
    /// so nothing re-enters the core while it is running.
    func advance() {
        guard peer != nil else { return }
        repeat {
            while !rewriting, let (ready, next) = nextReady() {
                guard runStorage(ready, from: next) else { return }
                for outgoing in ready.messages { send(outgoing) }
                apply(ready.committed)
                for event in ready.events { handle(event) }
            }
            while localSyncAnswers > 0 {
                localSyncAnswers -= 1
                core.forwardedSyncAnswered()
            }
        } while !rewriting && peer!.hasReady
    }

    private func nextReady() -> (Ready, Int)? {
        if let held {
            self.held = nil
            return held
        }
        return peer!.hasReady ? (peer!.takeReady(), 0) : nil
    }

    /// false when a rewrite must finish first; the rest of `ready` waits in `held`.
    private func runStorage(_ ready: Ready, from start: Int) -> Bool {
        var index = start
        while index < ready.storage.count {
            let op = ready.storage[index]
            index += 1
            switch op {
            case .append(let entry):
                effects.append(.append(entry))
                if faults.contains(.acknowledgeBeforeDurable) { peer!.persisted(through: entry.zxid) }
            case .setAcceptedEpoch(let epoch):
                effects.append(.setAcceptedEpoch(epoch))
            case .setCurrentEpoch(let epoch):
                effects.append(.setCurrentEpoch(epoch))
            case .truncate(let zxid):
                effects.append(.rewrite(truncateAfter: zxid.rawValue, snapshot: nil))
                rewriting = true
            case .installSnapshot(let snapshot):
                effects.append(.rewrite(truncateAfter: nil, snapshot: snapshot))
                rewriting = true
            }
            if rewriting {
                held = (ready, index)
                return false
            }
        }
        return true
    }

    /// A learner's PROPOSAL, COMMIT and INFORM counts, and how long a proposal took to arrive.
    private func countLearnerInput(_ message: ZabMessage, now: Now) {
        switch message {
        case .proposal(let entry):
            core.metrics.learnerProposalReceivedCount.increment()
            if let stamped = Self.stampedTime(entry.payload), now.wallMillis >= stamped {
                core.metrics.proposalLatency.recordMilliseconds(now.wallMillis - stamped)
            }
        case .commit, .inform:
            core.metrics.learnerCommitReceivedCount.increment()
        default:
            break
        }
    }

    /// The wall-clock time the leader put in a serialized transaction's header (after clientId, cxid, zxid).
    static func stampedTime(_ payload: ByteBuffer) -> Int64? {
        payload.getInteger(at: payload.readerIndex + 20, as: Int64.self)
    }

    private func send(_ outgoing: Outgoing) {
        traffic[outgoing.to, default: PeerTraffic()].sent += 1
        switch outgoing.message {
        case .diff(let zxid):
            core.metrics.diffCount.increment()
            syncsInProgress[outgoing.to] = LearnerSync(mode: .diff, from: zxid.rawValue, snapshotBytes: 0)
        case .trunc(let zxid):
            core.metrics.diffCount.increment()
            syncsInProgress[outgoing.to] = LearnerSync(mode: .trunc, from: zxid.rawValue, snapshotBytes: 0)
        case .snap(let snapshot):
            core.metrics.snapCount.increment()
            syncsInProgress[outgoing.to] = LearnerSync(mode: .snap, from: snapshot.zxid.rawValue, snapshotBytes: snapshot.data.readableBytes)
        case .proposal, .inform:
            if !syncsInProgress.isEmpty { syncsInProgress[outgoing.to]?.proposals += 1 }
        case .newLeader:
            if let sync = syncsInProgress.removeValue(forKey: outgoing.to) { logSync(sync, learner: outgoing.to) }
        default: break
        }
        if case .ping(let zxid) = outgoing.message, outgoing.to == peer!.leader, outgoing.to != peer!.id {
            let touches = core.takeTouchedSessions().compactMap { id in
                core.sessionTimeout(id).map { SessionTouch(sessionId: id, timeout: $0) }
            }
            effects.append(.send(.learnerPing(zxid, touches), to: outgoing.to))
        } else {
            effects.append(.send(.zab(outgoing.message), to: outgoing.to))
        }
    }

    private func apply(_ entries: [LogEntry]) {
        let outOfOrder = faults.contains(.applyOutOfOrder) && entries.count > 1
        let now = core.latestTime.wallMillis
        let leading: Bool
        if case .leader = core.role { leading = true } else { leading = false }
        if leading { core.metrics.commitCount.increment(by: entries.count) }
        for entry in outOfOrder ? entries.reversed() : entries {
            let zxid = entry.zxid.rawValue
            if let stamped = Self.stampedTime(entry.payload), now >= stamped {
                (leading ? core.metrics.quorumAckLatency : core.metrics.commitPropagationLatency).recordMilliseconds(now - stamped)
            }
            // Recovery already applied what this server had logged; Zab hands those out again once synced.
            guard zxid > core.lastProcessedZxid || outOfOrder else { continue }
            if core.committedOwnProposal(zxid) { continue }
            do {
                core.committed(try Transaction(serialized: entry.payload))
            } catch {
                fatalError("zkserver: undecodable committed transaction \(entry.zxid): \(error)")
            }
        }
    }

    /// How a learner was brought up to date and how much that took (Apache logs its sync choice per learner).
    private func logSync(_ sync: LearnerSync, learner: Int64) {
        let what = switch sync.mode {
        case .snap: "snapshot of \(sync.snapshotBytes) bytes at \(sync.from.hexForLog) and \(sync.proposals) proposals"
        case .trunc: "truncation to \(sync.from.hexForLog) and \(sync.proposals) proposals"
        case .diff: "\(sync.proposals) proposals after \(sync.from.hexForLog)"
        }
        effects.append(.log(OperatorEvent(.info, "Synchronizing with learner sid: \(learner) by \(sync.mode.rawValue): \(what)")))
    }

    private func handle(_ event: ZabEvent) {
        // Role changes are rare and are what an operator needs to follow an ensemble (Apache logs them too).
        let electionStarted = lookingSince
        recordTimes(event)
        logRoleChange(event, electionStarted: electionStarted)
        switch event {
        case .leading(let epoch):
            notServingSince = nil
            core.becomeLeader(epoch: epoch, now: core.latestTime)
        case .following:
            notServingSince = nil
            core.becomeLearner(observer: isObserver)
        case .stateChanged(.looking), .stopped:
            if core.role != .readOnly {
                core.stopServing()
                notServingSince = notServingSince ?? peer!.now
            }
            for id in otherMembers { effects.append(.dropPeerConnection(id)) }
        case .stateChanged:
            break
        case .reconfigSeen(let membership):
            if let config = Self.quorumConfig(membership) { effects.append(.configSeen(config)) }
        case .reconfigured(let membership):
            core.setEnsembleConfig(Self.configText(membership), version: membership.version, now: core.latestTime)
            if let config = Self.quorumConfig(membership) { effects.append(.configActivated(config)) }
        }
    }

    private func logRoleChange(_ event: ZabEvent, electionStarted: Int64?) {
        let zxid = peer!.lastLogged.rawValue.hexForLog
        let line: OperatorEvent = switch event {
        case .stateChanged(.looking): OperatorEvent(.info, "LOOKING (last zxid \(zxid))")
        case .stateChanged(let state):
            if let electionStarted, state != .observing {
                // Apache's own words, which runbooks grep for.
                OperatorEvent(.info, "\(String(describing: state).uppercased()) - LEADER ELECTION TOOK - "
                              + "\(core.latestTime.monotonicMillis - electionStarted) MS (leader \(peer!.leader.map(String.init) ?? "none"), last zxid \(zxid))")
            } else {
                OperatorEvent(.info, "\(String(describing: state).uppercased()) (leader \(peer!.leader.map(String.init) ?? "none"), last zxid \(zxid))")
            }
        case .leading(let epoch): OperatorEvent(.info, "Leading epoch \(epoch) with a quorum: serving (last zxid \(zxid))")
        case .following(let leader, let epoch):
            OperatorEvent(.info, "\(isObserver ? "Observing" : "Following") leader \(leader) in epoch \(epoch): synced, serving (last zxid \(zxid))")
        case .stopped(let reason): OperatorEvent(.warning, "Stopped serving: \(reason) (last zxid \(zxid))")
        case .reconfigSeen(let m): OperatorEvent(.info, "Reconfiguration proposed: version \(m.version.hexForLog), voters \(m.participants.sorted()), observers \(m.observers.sorted())")
        case .reconfigured(let m): OperatorEvent(.info, "Reconfiguration active: version \(m.version.hexForLog), voters \(m.participants.sorted()), observers \(m.observers.sorted())")
        }
        effects.append(.log(line))
    }

    /// Apache's looking_count and election, sync and unavailable times, from the role changes.
    private func recordTimes(_ event: ZabEvent) {
        let now = core.latestTime.monotonicMillis
        let metrics = core.metrics
        switch event {
        case .stateChanged(.looking), .stopped:
            if case .stateChanged = event {
                metrics.lookingCount.increment()
                lookingSince = now
            }
            unavailableSince = unavailableSince ?? now
        case .stateChanged(let state):
            // An election ends when this member knows its role; observers do not elect (Apache records none).
            if let since = lookingSince, state != .observing { metrics.electionTime.recordMilliseconds(now - since) }
            lookingSince = nil
            syncingSince = now
        case .reconfigSeen, .reconfigured:
            break
        case .leading, .following:
            if case .following = event, let since = syncingSince {
                (isObserver ? metrics.observerSyncTime : metrics.followerSyncTime).recordMilliseconds(now - since)
            }
            syncingSince = nil
            if let since = unavailableSince {
                metrics.unavailableTime.recordMilliseconds(now - since)
                if case .leading = event { metrics.leaderUnavailableTime.recordMilliseconds(now - since) }
            }
            unavailableSince = nil
        }
    }
}

extension Replica: ReplicationChannel {
    public func forwardToLeader(_ request: ForwardedRequest) {
        guard let leader = peer?.leader, leader != settings?.myId else { return }
        if faults.contains(.answerSyncLocally), request.request.opCode == .sync {
            localSyncAnswers += 1
            return
        }
        effects.append(.send(.request(request), to: leader))
    }

    public func syncAnswered(_ request: ForwardedRequest, to learner: Int64) {
        effects.append(.send(.syncAnswered, to: learner))
    }

    public func sessionMovedHere(_ sessionId: Int64, timeout: Int32) {
        guard let leader = peer?.leader, leader != settings?.myId else { return }
        effects.append(.send(.revalidate(RevalidateRequest(sessionId: sessionId, timeout: timeout)), to: leader))
    }

    public var nextProposalZxid: Int64? { peer?.nextProposalZxid?.rawValue }

    public var reconfigState: ReconfigState? {
        guard let peer, let voters = peer.syncedVoters, let lastSeen = Self.quorumConfig(peer.lastSeenMembership) else { return nil }
        return ReconfigState(lastSeen: lastSeen, inProgress: peer.reconfigInProgress, syncedVoters: voters)
    }
}

extension Replica: TransactionLogSink {
    /// The core's transaction, serialized once: standalone it goes straight to the log; in an ensemble the
    /// leader proposes these bytes, which its log and every learner's log then hold as they are.
    public func append(_ txn: Transaction, serialized: ByteBuffer) {
        guard peer != nil else {
            effects.append(.append(LogEntry(zxid: Zxid(rawValue: txn.zxid), payload: serialized)))
            return
        }
        var bytes = serialized
        if faults.contains(.dropEphemeralClose), case .closeSession(let paths) = txn.body, !paths.isEmpty {
            bytes = Transaction(header: txn.header, body: .closeSession(ephemerals: ["/zookeeper/none"])).serialized()
        }
        var reconfig: Membership?
        if case .reconfig(let change) = txn.body {
            reconfig = Self.membership(configData: change.data ?? [], zxid: txn.zxid)
        }
        do {
            switch try peer!.propose(bytes, reconfig: reconfig) {
            case .proposed(let zxid):
                core.metrics.proposalCount.increment()
                assert(zxid.rawValue == txn.zxid, "the core prepared with nextProposalZxid, Zab's own")
            case .forwarded:
                preconditionFailure("only a leader's core proposes")
            }
        } catch {
            // The epoch's counter ran out (or leadership just ended): the leader steps down, the clients
            // waiting for this write lose their connection and retry with the next leader.
            core.stopServing()
        }
    }
}
