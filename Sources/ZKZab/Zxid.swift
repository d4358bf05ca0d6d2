/// A transaction id: the epoch of the leader that proposed it in the high 32 bits and a counter in the
/// low 32 bits, ordered as Apache orders its `long` zxids. Counter 0 never names a transaction: `(e, 0)`
/// marks "the start of epoch e" (NEWLEADER, LEADERINFO and FOLLOWERINFO carry it).
public struct Zxid: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public init(epoch: Int64, counter: UInt32) {
        rawValue = (epoch << 32) | Int64(counter)
    }

    /// The empty history: nothing logged, nothing committed.
    public static let zero = Zxid(rawValue: 0)

    public var epoch: Int64 { rawValue >> 32 }
    public var counter: UInt32 { UInt32(truncatingIfNeeded: rawValue & 0xffff_ffff) }

    /// The zxid a leader of `epoch` assigns after `self`, or nil when the counter is exhausted and only a
    /// new epoch (a new election) can continue the history. `limit` lowers the exhaustion point for tests.
    public func next(inEpoch epoch: Int64, counterLimit limit: UInt32 = .max) -> Zxid? {
        if self.epoch == epoch {
            guard counter < limit else { return nil }
            return Zxid(epoch: epoch, counter: counter + 1)
        }
        precondition(self.epoch < epoch, "a leader's epoch is above every zxid in its log")
        return Zxid(epoch: epoch, counter: 1)
    }

    /// Whether `later` may directly follow `self` in one history: within an epoch counters go up by one,
    /// and a new epoch starts at counter 1 (the ZOOKEEPER-4925 lesson: a hole means a lost transaction).
    public func isFollowed(by later: Zxid) -> Bool {
        if later.epoch == epoch { return later.counter == counter &+ 1 && later.counter != 0 }
        return later.epoch > epoch && later.counter == 1
    }

    public static func < (a: Zxid, b: Zxid) -> Bool { a.rawValue < b.rawValue }

    public var description: String { "\(epoch).\(counter)" }
}
