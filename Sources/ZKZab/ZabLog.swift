/// The peer's view of its history: an optional snapshot and the log entries after it, in memory.
/// Invariant: entries are in zxid order, above the snapshot, and each follows the previous one
/// (`Zxid.isFollowed(by:)`), so the log never has a hole.
struct ZabLog: Sendable, Hashable {
    private(set) var snapshot: Snapshot?
    private(set) var entries: [LogEntry]

    init(snapshot: Snapshot?, entries: [LogEntry]) {
        self.snapshot = snapshot
        self.entries = []
        for entry in entries { append(entry) }
    }

    var baseZxid: Zxid { snapshot?.zxid ?? .zero }
    var lastZxid: Zxid { entries.last?.zxid ?? baseZxid }

    /// Whether `entry` may be appended without leaving a hole.
    func accepts(_ zxid: Zxid) -> Bool { lastZxid.isFollowed(by: zxid) }

    mutating func append(_ entry: LogEntry) {
        precondition(accepts(entry.zxid), "log hole: \(entry.zxid) after \(lastZxid)")
        entries.append(entry)
    }

    /// Index of the first entry whose zxid is not below `zxid` (binary search: logs get long).
    private func lowerBound(_ zxid: Zxid) -> Int { partition { $0 < zxid } }

    /// Index of the first entry whose zxid is above `zxid`.
    private func upperBound(_ zxid: Zxid) -> Int { partition { $0 <= zxid } }

    /// The first index whose entry fails `isBefore` (entries are sorted, so the predicate is monotone).
    private func partition(_ isBefore: (Zxid) -> Bool) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if isBefore(entries[mid].zxid) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Index of the entry with this zxid.
    func index(of zxid: Zxid) -> Int? {
        let i = lowerBound(zxid)
        return i < entries.count && entries[i].zxid == zxid ? i : nil
    }

    /// Whether the history ends at or passes through `zxid` (the snapshot point counts).
    func contains(_ zxid: Zxid) -> Bool { zxid == baseZxid || index(of: zxid) != nil }

    func entry(_ zxid: Zxid) -> LogEntry? { index(of: zxid).map { entries[$0] } }

    /// The highest zxid of this history below `zxid` (at least the snapshot point).
    func largest(below zxid: Zxid) -> Zxid {
        let i = lowerBound(zxid)
        return i > 0 ? entries[i - 1].zxid : baseZxid
    }

    /// Entries in (after, through].
    func entries(after: Zxid, through: Zxid) -> ArraySlice<LogEntry> {
        guard after < through else { return [] }
        let start = upperBound(after)
        let end = upperBound(through)
        return start < end ? entries[start..<end] : []
    }

    mutating func truncate(after zxid: Zxid) {
        precondition(contains(zxid), "truncation point \(zxid) is not in the log")
        if let index = index(of: zxid) { entries.removeSubrange((index + 1)...) } else { entries.removeAll() }
    }

    mutating func install(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        entries.removeAll()
    }

    /// Replaces the prefix through `snapshot.zxid` by the snapshot.
    mutating func compact(_ snapshot: Snapshot) {
        precondition(contains(snapshot.zxid), "snapshot \(snapshot.zxid) is not a point of the log")
        if let index = index(of: snapshot.zxid) { entries.removeSubrange(...index) }
        self.snapshot = snapshot
    }
}
