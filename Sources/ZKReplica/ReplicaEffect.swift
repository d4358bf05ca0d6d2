import NIOCore
import ZKProtocol
import ZKServerCore
import ZKZab

/// One thing the shell must do for a replica, in the order given. Storage first is Zab's rule: an epoch write
/// or a rewrite is durable before any effect after it; appends may complete in the background, in order,
/// and are reported with `Replica.persisted(through:)`.
public enum ReplicaEffect: Sendable {
    /// The transaction's bytes as proposed: the log frames them as they are.
    case append(LogEntry)
    case setAcceptedEpoch(Int64)
    case setCurrentEpoch(Int64)
    /// TRUNC (drop what follows `truncateAfter`) or SNAP (replace everything with `snapshot`), after every
    /// earlier write; then rebuild the state from disk and hand it back with `Replica.storageRewritten`.
    /// Nothing of consensus goes on until then.
    case rewrite(truncateAfter: Int64?, snapshot: Snapshot?)
    case send(PeerMessage, to: Int64)
    /// The quorum connection to this member goes (the peer left the broadcast phase).
    case dropPeerConnection(Int64)
    /// A reconfiguration was proposed: its new members may connect before it is active.
    case configSeen(QuorumConfig)
    /// This configuration is now active: write it where the next start reads it (Apache's dynamic config
    /// file) before any later effect, and talk to its members.
    case configActivated(QuorumConfig)
    /// A line for the operator's log: role changes, elections, syncs, read-only mode, expiries, refusals.
    case log(OperatorEvent)
}

/// What a replica asks of the shell since the last `takeReady`: the ordered effects, then what goes to the
/// clients. Client bytes go last: a reply only ever follows a commit, never an effect of the same batch.
public struct ReplicaReady: Sendable {
    public var effects: [ReplicaEffect] = []
    /// Encoded frames per connection, in the order they were made.
    public var frames: [ConnectionID: ByteBuffer] = [:]
    /// Connections to close once their frames are written, in the order decided.
    public var closes: [ConnectionID] = []
    /// Connections to stop reading (false) or read again (true), the last word for each.
    public var reading: [ConnectionID: Bool] = [:]

    public var isEmpty: Bool { effects.isEmpty && frames.isEmpty && closes.isEmpty && reading.isEmpty }
}
