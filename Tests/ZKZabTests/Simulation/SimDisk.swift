import ZKZab

/// One server's disk. Epoch files, truncations and snapshots are written synchronously (as the
/// `Ready` contract asks); log appends sit in `pending` until an fsync that started after them
/// completes, and a crash loses them.
struct SimDisk {
    var acceptedEpoch: Int64 = 0
    var currentEpoch: Int64 = 0
    var snapshot: Snapshot?
    var log: [LogEntry] = []
    /// Written but not yet durable, each with the write sequence number it was written under.
    var pending: [LogEntry] = []
    var pendingSeq: [Int] = []
    private(set) var writeSeq = 0

    var baseZxid: Zxid { snapshot?.zxid ?? .zero }
    var durableLast: Zxid { log.last?.zxid ?? baseZxid }
    var writtenLast: Zxid { pending.last?.zxid ?? durableLast }

    mutating func write(_ entry: LogEntry) {
        writeSeq += 1
        pending.append(entry)
        pendingSeq.append(writeSeq)
    }

    /// An fsync that started when `writeSeq` was `seq` completes: what was written by then is durable
    /// (at most `count` entries of it when the fsync only got part of the way).
    mutating func flush(through seq: Int, count: Int? = nil) {
        var n = pendingSeq.prefix { $0 <= seq }.count
        if let count { n = min(n, count) }
        flush(count: n)
    }

    var persistentState: PersistentState {
        PersistentState(acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch, snapshot: snapshot, log: log)
    }

    /// Makes the first `count` written appends durable (all of them by default).
    mutating func flush(count: Int? = nil) {
        let n = min(count ?? pending.count, pending.count)
        log.append(contentsOf: pending[..<n])
        pending.removeFirst(n)
        pendingSeq.removeFirst(n)
    }

    mutating func crash() { removePending { _ in true } }

    mutating func truncate(after zxid: Zxid) {
        log.removeAll { $0.zxid > zxid }
        removePending { $0.zxid > zxid }
    }

    mutating func install(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        log.removeAll()
        removePending { _ in true }
    }

    /// The application wrote a snapshot; log entries it covers can go.
    mutating func compact(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        log.removeAll { $0.zxid <= snapshot.zxid }
        removePending { $0.zxid <= snapshot.zxid }
    }

    private mutating func removePending(where drop: (LogEntry) -> Bool) {
        let keep = pending.indices.filter { !drop(pending[$0]) }
        pending = keep.map { pending[$0] }
        pendingSeq = keep.map { pendingSeq[$0] }
    }
}
