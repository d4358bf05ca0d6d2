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

    /// Whether this is a state a peer can start from; `ZabPeer.init` requires it. The host checks what
    /// it read from disk with this and reports the error instead of trapping.
    public func validate() throws(ZabSetupError) {
        guard currentEpoch <= acceptedEpoch else {
            throw .invalidState("currentEpoch \(currentEpoch) is above acceptedEpoch \(acceptedEpoch)")
        }
        var last = snapshot?.zxid ?? .zero
        for entry in log {
            guard last.isFollowed(by: entry.zxid) else { throw .invalidState("log entry \(entry.zxid) does not follow \(last)") }
            guard entry.zxid.epoch <= acceptedEpoch else {
                throw .invalidState("log entry \(entry.zxid) is from an epoch above acceptedEpoch \(acceptedEpoch)")
            }
            last = entry.zxid
        }
    }
}
