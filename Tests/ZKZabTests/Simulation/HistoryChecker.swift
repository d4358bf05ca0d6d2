import NIOCore
import ZKZab

/// The global view the invariants are checked against: the one committed history every server's
/// commits must follow, with the application digest after each entry, and the leader of each epoch.
struct HistoryChecker {
    private(set) var history: [LogEntry] = []
    private(set) var digests: [UInt64] = []
    private var position: [Zxid: Int] = [:]
    private var payloads: Set<ByteBuffer> = []
    private(set) var leaders: [Int64: PeerID] = [:]

    var lastZxid: Zxid { history.last?.zxid ?? .zero }

    /// Index of `zxid` in the history, -1 for the empty history, nil when it is not committed.
    func index(of zxid: Zxid) -> Int? { zxid == .zero ? -1 : position[zxid] }

    func digest(at zxid: Zxid) -> UInt64? {
        guard let i = index(of: zxid) else { return nil }
        return i < 0 ? SimApp().digest : digests[i]
    }

    /// A server applies `entry` on top of `app`. Returns a violation, if any.
    mutating func apply(_ entry: LogEntry, on app: SimApp, by node: PeerID) -> String? {
        guard entry.zxid > app.applied else { return "node \(node) commits \(entry.zxid) after \(app.applied): commits go back" }
        guard let at = index(of: app.applied) else { return "node \(node) applied \(app.applied), which is not in the committed history" }
        if at + 1 < history.count {
            let expected = history[at + 1]
            guard expected == entry else {
                return "node \(node) commits \(entry) after \(app.applied) but the committed history has \(expected) there"
            }
        } else {
            guard lastZxid.isFollowed(by: entry.zxid) else {
                return "node \(node) commits \(entry.zxid) after \(lastZxid): a hole in the committed history"
            }
            guard !payloads.contains(entry.payload) else { return "node \(node) commits payload of \(entry.zxid) twice" }
            payloads.insert(entry.payload)
            position[entry.zxid] = history.count
            digests.append(SimApp.chain(digests.last ?? SimApp().digest, entry))
            history.append(entry)
        }
        return nil
    }

    mutating func established(epoch: Int64, leader: PeerID) -> String? {
        if let other = leaders[epoch], other != leader { return "two leaders established in epoch \(epoch): \(other) and \(leader)" }
        leaders[epoch] = leader
        return nil
    }

    /// How far a disk's durable state follows the committed history (index of the last entry it holds).
    func durablePrefix(of disk: SimDisk) -> Int {
        guard var at = index(of: disk.baseZxid) else { return -2 }
        for entry in disk.log {
            guard at + 1 < history.count, history[at + 1] == entry else { break }
            at += 1
        }
        return at
    }
}
