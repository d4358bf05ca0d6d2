/// Why a peer could not be set up from its configuration or its disk.
public enum ZabSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidConfig(String)
    case invalidState(String)

    public var description: String {
        switch self {
        case .invalidConfig(let reason): return "invalid configuration: \(reason)"
        case .invalidState(let reason): return "invalid state: \(reason)"
        }
    }
}

/// Ensemble membership and timing, all in ticks (Apache's tickTime multiples). The membership is the one
/// the server starts with; a peer replaces it when a reconfiguration is activated.
public struct ZabConfig: Sendable, Hashable {
    public var id: PeerID
    /// Voting members, including `id` when this server is a participant.
    public var participants: Set<PeerID>
    public var observers: Set<PeerID>
    /// The configuration's version (the zxid of the reconfig that made it) and its text, see `Membership`.
    public var configVersion: Int64 = 0
    public var configText: String = ""
    /// zoo.cfg's reconfigEnabled. With it, the first leader of a configuration still at version 0 gives it its
    /// epoch's first zxid as version (Apache's ZOOKEEPER-1783), so that an established configuration wins
    /// over the partial one a joining server starts with.
    public var reconfigEnabled = false
    /// Ticks a learner may take to connect and sync, and a new leader to gather its quorums (initLimit).
    public var initLimit: Int
    /// Ticks of silence after which a follower abandons its leader and a leader drops a learner (syncLimit).
    public var syncLimit: Int
    /// Ticks an election waits after a quorum agrees, in case a better vote arrives (Apache finalizeWait).
    public var finalizeWait: Int
    /// Ticks between notification resends while LOOKING; doubles up to `maxResendInterval`.
    public var resendInterval: Int
    public var maxResendInterval: Int
    /// Ticks between the leader's pings.
    public var pingInterval: Int
    /// Highest zxid counter a leader assigns before it must step down for a new epoch. Apache's is
    /// 0xffffffff; tests lower it to exercise the rollover.
    public var counterLimit: UInt32

    public init(
        id: PeerID, participants: Set<PeerID>, observers: Set<PeerID> = [],
        initLimit: Int = 10, syncLimit: Int = 5, finalizeWait: Int = 1,
        resendInterval: Int = 2, maxResendInterval: Int = 8, pingInterval: Int = 1,
        counterLimit: UInt32 = .max
    ) {
        self.id = id
        self.participants = participants
        self.observers = observers
        self.initLimit = initLimit
        self.syncLimit = syncLimit
        self.finalizeWait = finalizeWait
        self.resendInterval = resendInterval
        self.maxResendInterval = maxResendInterval
        self.pingInterval = pingInterval
        self.counterLimit = counterLimit
    }

    /// Whether this configuration can run; `ZabPeer.init` requires it (the host checks its zoo.cfg with
    /// this and reports the error instead of trapping).
    public func validate() throws(ZabSetupError) {
        guard participants.isDisjoint(with: observers) else { throw .invalidConfig("a server is either a participant or an observer") }
        guard participants.contains(id) || observers.contains(id) else { throw .invalidConfig("server \(id) is not in its own ensemble") }
        guard initLimit > 0, syncLimit > 0, finalizeWait >= 0, resendInterval > 0, maxResendInterval >= resendInterval,
            pingInterval > 0, counterLimit > 0
        else { throw .invalidConfig("limits must be positive") }
    }

    /// A server a reconfiguration removed stays a follower, without a vote (Apache's updateLearnerType: a
    /// "non-voting follower" until it is shut down or added back).
    public var learnerType: LearnerType { observers.contains(id) ? .observer : .participant }

    public var isVoter: Bool { participants.contains(id) }
    public var isMember: Bool { participants.contains(id) || observers.contains(id) }

    public var membership: Membership {
        get { Membership(participants: participants, observers: observers, version: configVersion, text: configText) }
        set {
            participants = newValue.participants
            observers = newValue.observers
            configVersion = newValue.version
            configText = newValue.text
        }
    }

    /// Whether `peers` contain a strict majority of the participants.
    public func isQuorum<S: Sequence>(_ peers: S) -> Bool where S.Element == PeerID { membership.isQuorum(peers) }
}
