import NIOCore
import ZKDataTree
import ZKProtocol
import ZKStorage
import ZKZab

/// One member's simulated disk: what survives a crash (the durable log, the epochs, the snapshot) and the
/// appends written but not yet fsynced, which a crash loses.
struct ClusterDisk {
    var acceptedEpoch: Int64 = 0
    var currentEpoch: Int64 = 0
    var snapshot: Snapshot?
    var durable: [LogEntry] = []
    var pending: [LogEntry] = []
    /// The last activated configuration (the dynamic config file a server writes), which a restart starts from.
    var membership: Membership?

    mutating func flushAll() -> Zxid? {
        guard let last = pending.last else { return nil }
        durable += pending
        pending = []
        return last.zxid
    }

    /// TRUNC: everything after `zxid` goes (after the earlier writes are durable).
    mutating func truncate(after zxid: Zxid) {
        _ = flushAll()
        durable.removeAll { $0.zxid > zxid }
    }

    /// SNAP: the leader's snapshot replaces this member's history.
    mutating func install(_ new: Snapshot) {
        _ = flushAll()
        snapshot = new
        durable = []
    }

    /// The state a restart (or a rewrite) rebuilds: the snapshot, then every logged transaction after it, as
    /// the server's Recovery does.
    func recover() -> (tree: DataTree, sessions: [Int64: Int32], log: [LogEntry]) {
        let tree = DataTree()
        var sessions: [Int64: Int32] = [:]
        var base = Zxid.zero
        if let snapshot, let contents = try? SnapshotFormat.deserialize(snapshot.data) {
            tree.load(nodes: contents.nodes, lastProcessedZxid: snapshot.zxid.rawValue)
            for session in contents.sessions { sessions[session.id] = session.timeout }
            base = snapshot.zxid
        }
        var sink = Recovery.DiscardingSink()
        let tail = durable.filter { $0.zxid > base }
        for entry in tail {
            guard let txn = try? Transaction(serialized: entry.payload) else { continue }
            Recovery.replay(txn, into: tree, sessions: &sessions, sink: &sink)
        }
        return (tree, sessions, tail)
    }

    var persistentState: PersistentState {
        PersistentState(acceptedEpoch: max(acceptedEpoch, currentEpoch), currentEpoch: currentEpoch, snapshot: snapshot,
                        log: durable.filter { $0.zxid > (snapshot?.zxid ?? .zero) })
    }
}
