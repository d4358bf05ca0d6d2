import NIOCore
/// Why `propose` refused a write.
public enum ZabError: Error, Hashable, Sendable {
    /// Not a leader or synced learner; `leader` is where to look, when known.
    case notServing(leader: PeerID?)
    /// The zxid counter of this epoch is exhausted; the leader stepped down so a new epoch can start.
    case counterExhausted
}

/// Where a write went.
public enum ProposeOutcome: Hashable, Sendable {
    /// This leader logged it and sent the PROPOSAL; it is acknowledged when it appears in `Ready.committed`.
    case proposed(Zxid)
    /// This learner sent it to the leader as a REQUEST; it is acknowledged when it appears in
    /// `Ready.committed` here (the payload should carry an id the application can recognise).
    case forwarded(to: PeerID)
}

/// One Zab server as a pure state machine: election (Apache's FastLeaderElection), discovery,
/// synchronization and broadcast (Leader, LearnerHandler, Learner, Follower, Observer), with no I/O,
/// clock or randomness. Inputs are `step`, `tick`, `propose`, `persisted`, `compact` and `disconnected`;
/// every effect is queued in a `Ready` the host takes with `takeReady()` and carries out in the order
/// `Ready` documents. The host restarts a server by building a new peer from its `PersistentState`.
public struct ZabPeer: Sendable {
    /// The membership in it changes when a reconfiguration is activated (`activate`).
    public internal(set) var config: ZabConfig
    public var id: PeerID { config.id }
    /// The newest reconfiguration in the log that is not committed yet (Apache's lastSeenQuorumVerifier when
    /// it differs from the active one); at most one, as the server refuses a second while one is pending.
    public internal(set) var pendingReconfig: Membership?

    /// Persisted: the highest epoch promised to a leader. Never decreases.
    public internal(set) var acceptedEpoch: Int64
    /// Persisted: the epoch of the history we hold. Invariant: currentEpoch <= acceptedEpoch.
    public internal(set) var currentEpoch: Int64
    var log: ZabLog
    /// Everything through here is committed and was handed out in `Ready.committed` (or is in the
    /// snapshot). Invariant: lastCommitted <= log.lastZxid; never decreases while the peer runs.
    public internal(set) var lastCommitted: Zxid
    /// Everything through here is durable (reported by the host). Invariant: durableThrough <= log.lastZxid.
    public internal(set) var durableThrough: Zxid
    var role: Role
    /// The election round, Apache's `logicalclock`; memory only, like Apache's.
    var logicalClock: Int64 = 0
    /// The vote our last finished election ended with: what we tell servers that are still looking.
    var currentVote: Vote
    /// Ticks since start; the only clock.
    public internal(set) var now: Int = 0
    var pending = Ready()

    /// Starts (or restarts) a server from what it had on disk. It begins LOOKING; the first
    /// notifications are in the first `takeReady()`.
    ///
    /// Throws when the configuration or the state is not one a peer can start from (a host reports it,
    /// naming its files, rather than trapping on what it read from disk).
    public init(config: ZabConfig, state: PersistentState) throws(ZabSetupError) {
        try config.validate()
        try state.validate()
        self.config = config
        acceptedEpoch = state.acceptedEpoch
        currentEpoch = state.currentEpoch
        log = ZabLog(snapshot: state.snapshot, entries: state.log)
        // Only the snapshot is known to be committed; the log's tail may be an uncommitted proposal
        // that the next leader truncates.
        lastCommitted = log.baseZxid
        durableThrough = log.lastZxid
        currentVote = Vote(leader: config.id, zxid: log.lastZxid, electionEpoch: 0, peerEpoch: state.currentEpoch)
        role = .looking(Election(proposal: currentVote, resendAt: 0, resendInterval: config.resendInterval))
        findPendingReconfig()
        startElection(reason: "start")
    }

    // MARK: - Outputs

    /// Takes the effects queued since the last call.
    public mutating func takeReady() -> Ready {
        defer { pending = Ready() }
        return pending
    }

    public var hasReady: Bool { !pending.isEmpty }

    // MARK: - Inputs

    /// A message from another server.
    public mutating func step(_ message: ZabMessage, from peer: PeerID) {
        guard peer != id else { return }
        if case .notification(let n) = message {
            receiveNotification(n, from: peer)
            return
        }
        switch role {
        case .looking: return  // quorum packets are only meaningful inside a session
        case .following: learnerStep(message, from: peer)
        case .leading: leaderStep(message, from: peer)
        }
    }

    /// One tick of time.
    public mutating func tick() {
        now += 1
        switch role {
        case .looking: electionTick()
        case .following: learnerTick()
        case .leading: leaderTick()
        }
    }

    /// A client write. See `ProposeOutcome`. A reconfiguration carries the membership it installs (only a
    /// leader proposes one: its version becomes the zxid it gets).
    public mutating func propose(_ payload: ByteBuffer, reconfig: Membership? = nil) throws(ZabError) -> ProposeOutcome {
        switch role {
        case .leading(let l) where l.phase == .broadcast:
            return .proposed(try leaderPropose(payload, reconfig: reconfig))
        case .following(let s) where s.phase == .broadcast:
            send(.request(payload), to: s.leader)
            return .forwarded(to: s.leader)
        default:
            throw .notServing(leader: leader)
        }
    }

    /// The host made every log entry through `zxid` durable.
    public mutating func persisted(through zxid: Zxid) {
        advanceDurable(to: min(zxid, log.lastZxid))
    }

    /// Durability moved forward, by a flush or a snapshot: acks that waited for it can go out.
    private mutating func advanceDurable(to durable: Zxid) {
        guard durable > durableThrough else { return }
        durableThrough = durable
        switch role {
        case .looking: break
        case .following: learnerPersisted()
        case .leading: leaderPersisted()
        }
    }

    /// The host wrote a durable snapshot of the applied state; the log before it can go.
    public mutating func compact(_ snapshot: Snapshot) {
        precondition(snapshot.zxid <= lastCommitted, "only committed state is snapshotted")
        guard snapshot.zxid > log.baseZxid else { return }
        log.compact(snapshot)
        // The snapshot is durable, so whatever it covers is, even if its log appends never were.
        advanceDurable(to: snapshot.zxid)
    }

    /// The connection to `peer` broke (the host saw the socket close).
    public mutating func disconnected(_ peer: PeerID) {
        switch role {
        case .looking: break
        case .following(let s): if s.leader == peer { stopServing("connection to leader \(peer) lost") }
        case .leading(var l):
            l.learners[peer] = nil
            role = .leading(l)
        }
    }

    // MARK: - Status

    public var state: ServerState {
        switch role {
        case .looking: .looking
        case .following: config.learnerType == .participant ? .following : .observing
        case .leading: .leading
        }
    }

    /// The leader we follow, ourselves when leading, nil while looking.
    public var leader: PeerID? {
        switch role {
        case .looking: nil
        case .following(let s): s.leader
        case .leading: id
        }
    }

    /// The epoch in which this server serves clients, or nil while it does not.
    public var servingEpoch: Int64? {
        switch role {
        case .looking: nil
        case .following(let s): s.phase == .broadcast ? s.newEpoch : nil
        case .leading(let l): l.phase == .broadcast ? l.newEpoch : nil
        }
    }

    /// The zxid the next `propose` on this leader will get, so the server can build a TxnHeader that
    /// carries it; nil unless this is a serving leader with counters left in its epoch.
    public var nextProposalZxid: Zxid? {
        guard case .leading(let l) = role, l.phase == .broadcast else { return nil }
        return log.lastZxid.next(inEpoch: l.newEpoch, counterLimit: config.counterLimit)
    }

    public var lastLogged: Zxid { log.lastZxid }
    public var snapshot: Snapshot? { log.snapshot }
    public var logEntries: [LogEntry] { log.entries }

    /// What is on disk if the host did everything asked so far: for tests.
    public var persistentState: PersistentState {
        PersistentState(acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch, snapshot: log.snapshot, log: log.entries)
    }

    // MARK: - Shared helpers

    mutating func send(_ message: ZabMessage, to peer: PeerID) {
        pending.messages.append(Outgoing(to: peer, message: message))
    }

    mutating func setAcceptedEpoch(_ epoch: Int64) {
        precondition(epoch >= acceptedEpoch, "acceptedEpoch never goes back")
        acceptedEpoch = epoch
        pending.storage.append(.setAcceptedEpoch(epoch))
    }

    /// `history` is what the new epoch vouches for: a leader's whole log, a learner's synced log.
    mutating func setCurrentEpoch(_ epoch: Int64, durableThrough history: Zxid) {
        precondition(epoch >= currentEpoch && epoch <= acceptedEpoch, "currentEpoch only moves up to acceptedEpoch")
        precondition(durableThrough >= history, "the history is durable before currentEpoch moves (ZOOKEEPER-4646)")
        currentEpoch = epoch
        pending.storage.append(.setCurrentEpoch(epoch))
    }

    mutating func appendToLog(_ entry: LogEntry) {
        log.append(entry)
        pending.storage.append(.append(entry))
        if let membership = entry.reconfig, membership.version > config.configVersion {
            pendingReconfig = membership
            pending.events.append(.reconfigSeen(membership))
        }
    }

    /// Marks everything through `zxid` committed and hands it to the application; a reconfiguration among
    /// them becomes the active membership. Returns whether one did.
    @discardableResult
    mutating func commitLocally(through zxid: Zxid) -> Bool {
        let target = min(zxid, log.lastZxid)
        guard target > lastCommitted else { return false }
        let entries = log.entries(after: lastCommitted, through: target)
        pending.committed.append(contentsOf: entries)
        lastCommitted = target
        var activated = false
        for entry in entries {
            if let membership = entry.reconfig, membership.version > config.configVersion {
                activate(membership)
                activated = true
            }
        }
        return activated
    }

    /// Leaves the current role for a new election.
    mutating func stopServing(_ reason: String) {
        pending.events.append(.stopped(reason: reason))
        startElection(reason: reason)
    }
}

/// What the server is doing, with the state each role needs.
enum Role: Sendable {
    case looking(Election)
    case following(LearnerSession)
    case leading(Leadership)
}
