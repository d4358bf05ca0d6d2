/// What a server keeps on disk, and all a `ZabPeer` needs to restart.
/// Apache: the `acceptedEpoch` and `currentEpoch` files, the snapshot and the transaction log.
public struct PersistentState: Sendable, Hashable {
    /// The highest epoch this server promised to follow (written on LEADERINFO).
    public var acceptedEpoch: Int64
    /// The epoch whose history this server holds (written when the log is durable at NEWLEADER).
    /// Invariant: currentEpoch <= acceptedEpoch.
    public var currentEpoch: Int64
    public var snapshot: Snapshot?
    /// Durable log entries after the snapshot, in zxid order.
    public var log: [LogEntry]

    public init(acceptedEpoch: Int64 = 0, currentEpoch: Int64 = 0, snapshot: Snapshot? = nil, log: [LogEntry] = []) {
        self.acceptedEpoch = acceptedEpoch
        self.currentEpoch = currentEpoch
        self.snapshot = snapshot
        self.log = log
    }
}
