/// A leader's state for one epoch attempt. Apache: `Leader.lead` and its `LearnerHandler`s.
struct Leadership: Sendable {
    enum Phase: Sendable, Hashable {
        /// Gathering FOLLOWERINFO from a quorum to pick the new epoch (Apache getEpochToPropose).
        case discovery
        /// Sent LEADERINFO; gathering ACKEPOCH from a quorum (waitForEpochAck).
        case awaitingEpochAcks
        /// Syncing learners; gathering NEWLEADER ACKs from a quorum (waitForNewLeaderAck).
        case synchronizing
        /// Established: accepting writes.
        case broadcast
    }

    var phase: Phase = .discovery
    /// The current phase must be over by this tick (initLimit), or we give up leading.
    var deadline: Int
    var newEpoch: Int64 = -1
    /// acceptedEpoch of each participant that sent FOLLOWERINFO, ours included.
    var connecting: [PeerID: Int64]
    var epochAcks: Set<PeerID> = []
    var newLeaderAcks: Set<PeerID> = []
    /// Our (currentEpoch, last zxid) when we started: no ACKEPOCH may show a newer history.
    var summaryEpoch: Int64
    var summaryZxid: Zxid
    /// Our last zxid when the epoch was fixed: this history is committed once a quorum acks NEWLEADER.
    var initialHistoryEnd: Zxid = .zero
    var learners: [PeerID: LearnerHandle] = [:]
    var lastPing: Int
    /// The configuration NEWLEADER announces, active here once the epoch is established.
    var announcedConfig: Membership?
}

/// The leader's view of one learner connection.
struct LearnerHandle: Sendable {
    enum Phase: Sendable, Hashable {
        /// Sent FOLLOWERINFO; LEADERINFO waits until the epoch is fixed.
        case connected
        case awaitingAckEpoch
        /// Acked the epoch; its sync waits for the epoch quorum.
        case awaitingQuorum
        /// Sync stream and NEWLEADER sent; new proposals are forwarded.
        case awaitingNewLeaderAck(syncEnd: Zxid)
        /// Acked NEWLEADER; UPTODATE waits until the leader is established.
        case awaitingUpToDate
        case broadcast
    }

    var type: LearnerType
    var phase: Phase = .connected
    var lastHeard: Int
    /// A learner must ack NEWLEADER by this tick (initLimit after its sync was sent), or it is dropped
    /// and has to reconnect: its pings alone do not prove it is making progress.
    var deadline: Int
    var peerLast: Zxid = .zero
    /// The tick its connection was accepted, for the AdminServer's observers list.
    var connectedAt = 0
    /// Highest zxid this participant reported durable.
    var ackedThrough: Zxid = .zero

    /// Whether new proposals and commits go to this learner (its sync stream is already queued).
    var isForwarding: Bool {
        switch phase {
        case .awaitingNewLeaderAck, .awaitingUpToDate, .broadcast: true
        default: false
        }
    }

    /// Whether its acks count towards commits.
    var countsForCommit: Bool {
        type == .participant && (phase == .awaitingUpToDate || phase == .broadcast)
    }
}
