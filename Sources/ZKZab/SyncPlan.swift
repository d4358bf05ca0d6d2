/// How a leader brings a learner's log in line with its own, given the learner's last logged zxid.
/// Apache: `LearnerHandler.syncFollower`. Relies on Zab's prefix property: two logs holding the same zxid
/// agree on everything up to it, so comparing last zxids is enough.
public enum SyncPlan: Hashable, Sendable {
    /// The learner's log is a prefix of ours ending at this zxid; send what follows.
    case diff(from: Zxid)
    /// The learner has entries we do not; drop everything after this zxid (which both logs hold) first.
    case trunc(to: Zxid)
    /// The learner is behind our snapshot; send the snapshot and what follows.
    case snap

    /// - Parameters: `base`: our snapshot point; `last`: our last zxid; `holds`: whether a zxid is in our log.
    static func choose(peerLast: Zxid, log: ZabLog) -> SyncPlan {
        let last = log.lastZxid
        if peerLast == last { return .diff(from: last) }
        // Ahead of us: its extra entries were never committed (we were elected with the newest history).
        if peerLast > last { return .trunc(to: last) }
        if peerLast < log.baseZxid { return .snap }
        if log.contains(peerLast) { return .diff(from: peerLast) }
        // Off our history at its tail: cut back to the last point below its tail that we hold.
        return .trunc(to: log.largest(below: peerLast))
    }
}
