import Testing
@testable import ZKZab

/// The leader's DIFF / TRUNC / SNAP choice (Apache LearnerHandler.syncFollower).
@Suite struct SyncPlanTests {
    func z(_ e: Int64, _ c: UInt32) -> Zxid { Zxid(epoch: e, counter: c) }

    /// Leader history: snapshot at 1.2, then 1.3 1.4 2.1 2.2 4.1.
    var leaderLog: ZabLog {
        let entries = [z(1, 3), z(1, 4), z(2, 1), z(2, 2), z(4, 1)].map { LogEntry(zxid: $0, payload: [UInt8($0.counter)]) }
        return ZabLog(snapshot: Snapshot(zxid: z(1, 2), data: []), entries: entries)
    }

    @Test func sameLastZxidIsAnEmptyDiff() {
        #expect(SyncPlan.choose(peerLast: z(4, 1), log: leaderLog) == .diff(from: z(4, 1)))
    }

    @Test func aPrefixOfOurLogGetsADiff() {
        #expect(SyncPlan.choose(peerLast: z(2, 1), log: leaderLog) == .diff(from: z(2, 1)))
        #expect(SyncPlan.choose(peerLast: z(1, 2), log: leaderLog) == .diff(from: z(1, 2)))
    }

    @Test func entriesBeyondOurLastAreTruncated() {
        // An old leader's uncommitted proposals.
        #expect(SyncPlan.choose(peerLast: z(4, 7), log: leaderLog) == .trunc(to: z(4, 1)))
    }

    @Test func aTailOffOurHistoryIsTruncatedToTheLastSharedPoint() {
        // 2.3 was proposed in epoch 2 but never made it into our history (ZOOKEEPER-1154/1156 boundary).
        #expect(SyncPlan.choose(peerLast: z(2, 3), log: leaderLog) == .trunc(to: z(2, 2)))
        #expect(SyncPlan.choose(peerLast: z(3, 5), log: leaderLog) == .trunc(to: z(2, 2)))
    }

    @Test func behindOurSnapshotGetsASnap() {
        #expect(SyncPlan.choose(peerLast: z(1, 1), log: leaderLog) == .snap)
        #expect(SyncPlan.choose(peerLast: .zero, log: leaderLog) == .snap)
    }

    @Test func anEmptyLearnerOfAnUncompactedLeaderGetsTheWholeLog() {
        let log = ZabLog(snapshot: nil, entries: [LogEntry(zxid: z(1, 1), payload: [])])
        #expect(SyncPlan.choose(peerLast: .zero, log: log) == .diff(from: .zero))
    }
}
