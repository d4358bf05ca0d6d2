/// Dynamic membership (Apache 3.5's reconfig): a reconfiguration is a transaction like any other, carrying
/// the membership it installs. While it is pending, the leader commits nothing at or after it without a
/// quorum of the old and of the new configuration; once it commits, every member that applies it switches
/// to the new membership.
extension ZabPeer {
    /// What a new reconfiguration would start from: the pending one, else the active one.
    public var lastSeenMembership: Membership { pendingReconfig ?? config.membership }

    public var reconfigInProgress: Bool { pendingReconfig != nil }

    /// The ids whose syncs are complete and who acknowledge proposals: a leader with this server counts them
    /// towards a configuration's quorum (Apache's isQuorumSynced). nil unless leading.
    public var syncedVoters: Set<PeerID>? {
        guard case .leading(let l) = role, l.phase == .broadcast else { return nil }
        var ids: Set<PeerID> = [id]
        for (peer, handle) in l.learners where handle.type == .participant && handle.phase == .broadcast { ids.insert(peer) }
        return ids
    }

    /// The newest uncommitted reconfiguration in the log, after the log changed under us (TRUNC, SNAP, start).
    mutating func findPendingReconfig() {
        pendingReconfig = log.entries(after: lastCommitted, through: log.lastZxid).last { entry in
            entry.reconfig.map { $0.version > config.configVersion } ?? false
        }?.reconfig
    }

    /// Installs `membership` as the active configuration.
    mutating func activate(_ membership: Membership) {
        config.membership = membership
        if let pendingReconfig, pendingReconfig.version <= membership.version { self.pendingReconfig = nil }
        pending.events.append(.reconfigured(membership))
    }

    /// The highest zxid a quorum of `membership`'s participants holds durably (this leader counts with its
    /// own durable point when it is one of them); `.zero` without a quorum.
    func quorumAcked(_ membership: Membership, _ leadership: Leadership) -> Zxid {
        var acked: [Zxid] = []
        if membership.participants.contains(id) { acked.append(durableThrough) }
        for (peer, handle) in leadership.learners where handle.countsForCommit && membership.participants.contains(peer) {
            acked.append(handle.ackedThrough)
        }
        let needed = membership.participants.count / 2 + 1
        guard acked.count >= needed else { return .zero }
        acked.sort(by: >)
        return acked[needed - 1]
    }

    /// The leader after this reconfiguration: this one while it still votes; otherwise the synced voter of
    /// the new configuration with the most history (Apache's getDesignatedLeader).
    func designatedLeader(_ membership: Membership, _ leadership: Leadership) -> PeerID {
        if membership.participants.contains(id) { return id }
        let candidates = leadership.learners.filter { membership.participants.contains($0.key) && $0.value.countsForCommit }
        return candidates.max { ($0.value.ackedThrough, -$0.key) < ($1.value.ackedThrough, -$1.key) }?.key ?? id
    }

    /// A leader's learners after a reconfiguration: a learner that left, or whose role changed, reconnects
    /// under the new one; a leader that no longer votes hands over by stepping down.
    mutating func leaderActivated() {
        guard case .leading(var l) = role else { return }
        guard config.participants.contains(id) else {
            return stopServing("reconfiguration \(String(config.configVersion, radix: 16)) leaves this server out of the voters")
        }
        // A learner the reconfiguration removed follows on without a vote, as Apache's does.
        for (peer, handle) in l.learners where (config.membership.role(of: peer) ?? .participant) != handle.type {
            l.learners[peer] = nil
        }
        role = .leading(l)
    }

    /// A learner after a reconfiguration: it follows on only if it keeps its role and its leader keeps leading.
    /// One the reconfiguration removed keeps following without a vote (the host says so).
    mutating func learnerActivated(designatedLeader: PeerID? = nil, servedAs type: LearnerType) {
        guard case .following(let session) = role else { return }
        let version = String(config.configVersion, radix: 16)
        if config.learnerType != type {
            stopServing("reconfiguration \(version) makes this server a\(config.learnerType == .participant ? " participant" : "n observer")")
        } else if !config.participants.contains(session.leader) || (designatedLeader.map { $0 != session.leader } ?? false) {
            stopServing("reconfiguration \(version) moves the lead from \(session.leader)")
        }
    }
}
