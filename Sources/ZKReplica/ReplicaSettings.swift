import ZKZab

/// What an ensemble member knows of its ensemble, made from zoo.cfg by the shell.
public struct ReplicaSettings: Sendable {
    public var myId: Int64
    public var zab: ZabConfig
    /// What conf adds for a member before its membership (initLimit … peerType).
    public var confSection: String
    public var readOnlyModeEnabled: Bool
    /// Zab ticks without a quorum before read-only mode starts.
    public var readOnlyAfterTicks: Int

    public init(myId: Int64, zab: ZabConfig, confSection: String, readOnlyModeEnabled: Bool,
                readOnlyAfterTicks: Int) {
        self.myId = myId
        self.zab = zab
        self.confSection = confSection
        self.readOnlyModeEnabled = readOnlyModeEnabled
        self.readOnlyAfterTicks = readOnlyAfterTicks
    }

    public var isObserver: Bool { zab.learnerType == .observer }
    /// Every other member, participant or observer.
    public var others: [Int64] { (zab.participants.union(zab.observers)).filter { $0 != myId }.sorted() }
}

/// Ways to break a replica on purpose, so the simulator can show that its checkers catch each one. The
/// server never sets any.
public struct InjectedFaults: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Reports an append durable as soon as it is asked for: acknowledges before fsync.
    public static let acknowledgeBeforeDurable = InjectedFaults(rawValue: 1)
    /// Applies each batch of two or more commits in reverse order.
    public static let applyOutOfOrder = InjectedFaults(rawValue: 2)
    /// A leader's closeSession transaction names no real ephemeral, so the session's nodes outlive it.
    public static let dropEphemeralClose = InjectedFaults(rawValue: 4)
    /// A learner answers a sync at once instead of asking the leader.
    public static let answerSyncLocally = InjectedFaults(rawValue: 8)
}
