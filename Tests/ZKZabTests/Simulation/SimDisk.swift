import ZKZab

/// One server's disk. Epoch files, truncations and snapshots are written synchronously (as the
/// `Ready` contract asks); log appends sit in `pending` until a flush, and a crash loses them.
struct SimDisk {
    var acceptedEpoch: Int64 = 0
    var currentEpoch: Int64 = 0
    var snapshot: Snapshot?
    var log: [LogEntry] = []
    var pending: [LogEntry] = []

    var baseZxid: Zxid { snapshot?.zxid ?? .zero }
    var durableLast: Zxid { log.last?.zxid ?? baseZxid }
    var writtenLast: Zxid { pending.last?.zxid ?? durableLast }

    var persistentState: PersistentState {
        PersistentState(acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch, snapshot: snapshot, log: log)
    }

    /// Makes the first `count` written appends durable (all of them by default).
    mutating func flush(count: Int? = nil) {
        let n = min(count ?? pending.count, pending.count)
        log.append(contentsOf: pending[..<n])
        pending.removeFirst(n)
    }

    mutating func crash() { pending.removeAll() }

    mutating func truncate(after zxid: Zxid) {
        log.removeAll { $0.zxid > zxid }
        pending.removeAll { $0.zxid > zxid }
    }

    mutating func install(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        log.removeAll()
        pending.removeAll()
    }

    /// The application wrote a snapshot; log entries it covers can go.
    mutating func compact(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        log.removeAll { $0.zxid <= snapshot.zxid }
        pending.removeAll { $0.zxid <= snapshot.zxid }
    }
}
