/// A write the host must make to stable storage, in the order given.
public enum StorageOp: Hashable, Sendable, CustomStringConvertible {
    /// Durable before anything after it (Apache writes the acceptedEpoch file synchronously).
    case setAcceptedEpoch(Int64)
    /// Durable before anything after it. The peer only asks for this once the history the epoch vouches
    /// for (a leader's log, a learner's synced log) has been reported durable (ZOOKEEPER-4646: a
    /// currentEpoch ahead of the log wins elections it must lose).
    case setCurrentEpoch(Int64)
    /// Drop every log entry after zxid; durable before anything after it.
    case truncate(after: Zxid)
    /// Replace snapshot, log and application state with this snapshot; durable before anything after it.
    case installSnapshot(Snapshot)
    /// Append to the log. May complete in the background, in order; report with `persisted(through:)`.
    case append(LogEntry)

    public var description: String {
        switch self {
        case .setAcceptedEpoch(let e): "acceptedEpoch=\(e)"
        case .setCurrentEpoch(let e): "currentEpoch=\(e)"
        case .truncate(let z): "truncate>\(z)"
        case .installSnapshot(let s): "install \(s)"
        case .append(let e): "append \(e)"
        }
    }
}

/// A message for the host to send.
public struct Outgoing: Hashable, Sendable, CustomStringConvertible {
    public var to: PeerID
    public var message: ZabMessage

    public init(to: PeerID, message: ZabMessage) {
        self.to = to
        self.message = message
    }

    public var description: String { "→\(to) \(message)" }
}

/// Things the host may want to know about: for logs, metrics and client routing.
public enum ZabEvent: Hashable, Sendable, CustomStringConvertible {
    case stateChanged(ServerState)
    /// This leader has a quorum with the epoch's history and accepts writes.
    case leading(epoch: Int64)
    /// This learner is synced with `leader` (UPTODATE) and may serve clients.
    case following(leader: PeerID, epoch: Int64)
    /// The peer stopped serving; `reason` is for the log.
    case stopped(reason: String)
    /// A reconfiguration was logged: its members may start talking to this server before it is active.
    case reconfigSeen(Membership)
    /// This membership is now the active one (committed, or adopted from the leader's NEWLEADER): the host
    /// records it durably (Apache's dynamic config file) and connects to its members.
    case reconfigured(Membership)

    public var description: String {
        switch self {
        case .stateChanged(let s): "state \(s)"
        case .leading(let e): "leading epoch \(e)"
        case .following(let l, let e): "following \(l) epoch \(e)"
        case .stopped(let r): "stopped: \(r)"
        case .reconfigSeen(let m): "reconfig seen \(m)"
        case .reconfigured(let m): "reconfigured \(m)"
        }
    }
}

/// The output of a `ZabPeer`, in the etcd-raft style. The host handles it in this order:
/// 1. `storage`, in order. Every op but `.append` is durable before the next op and before any message
///    is sent. Appends may be flushed in the background, in order; the host then calls
///    `persisted(through:)`. The peer never acknowledges an entry before that call ("persist before ack").
/// 2. `messages`, in order per destination (the leader–learner connection is FIFO).
/// 3. `committed`, applied to the application state in order; every entry was in an earlier or this
///    `storage` (possibly not yet durable: applying is memory only, a restart rebuilds from disk).
public struct Ready: Sendable, Hashable {
    public var storage: [StorageOp] = []
    public var messages: [Outgoing] = []
    public var committed: [LogEntry] = []
    public var events: [ZabEvent] = []

    public init() {}

    public var isEmpty: Bool { storage.isEmpty && messages.isEmpty && committed.isEmpty && events.isEmpty }
}
