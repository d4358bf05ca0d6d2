import Testing
import ZKZab

/// Named fault scenarios, each a regression test for a class of Zab bug (Apache's JIRA numbers where
/// one applies). Every scenario runs in the simulator, so all the invariants are checked after every
/// event, and ends with the liveness check (heal, restart, one leader serves everyone, writes commit).
@Suite struct ScenarioTests {
    /// A quiet world with a leader serving everyone and `writes` committed writes.
    func establishedWorld(participants: Int = 3, observers: Int = 0, writes: Int = 3, seed: UInt64 = 1) -> (SimWorld, PeerID) {
        let world = SimWorld(seed: seed, options: .quiet(participants: participants, observers: observers))
        world.run(ticks: 60) { world.stableLeader() != nil }
        guard let leader = world.stableLeader() else {
            Issue.record("no leader: \(world.report)")
            return (world, 0)
        }
        for _ in 0..<writes { world.submit(to: leader) }
        world.run(ticks: 20) { world.allApplied && world.checker.history.count >= writes }
        #expect(world.checker.history.count == writes)
        return (world, leader)
    }

    func finish(_ world: SimWorld) {
        if world.failure == nil { world.checkLiveness() }
        #expect(world.failure == nil, "\(world.report)")
    }

    func isNewLeaderAck(_ message: ZabMessage) -> Bool {
        if case .ack(let zxid) = message { return zxid.counter == 0 }
        return false
    }

    /// ZOOKEEPER-1264/3911/4646: a follower that acked NEWLEADER has the synced history and the new
    /// currentEpoch on disk, so crashing it before UPTODATE loses nothing.
    @Test func followerCrashesAfterAckingNewLeaderBeforeUpToDate() {
        let (world, oldLeader) = establishedWorld()
        world.crash(oldLeader)
        var acked: [PeerID: Zxid] = [:]
        world.onDeliver = { from, _, message in
            if case .ack(let zxid) = message, zxid.counter == 0 { acked[from] = zxid }
        }
        world.dropFilter = { _, _, message in message == .upToDate }
        #expect(world.run(ticks: 60) { !acked.isEmpty })
        guard let (follower, newLeaderZxid) = acked.first else { return finish(world) }
        let disk = world.nodes[follower]?.disk
        #expect(disk?.currentEpoch == newLeaderZxid.epoch, "currentEpoch is on disk before the NEWLEADER ack")
        #expect(disk?.pending.isEmpty == true, "the synced log is durable before the NEWLEADER ack")
        world.crash(follower)
        world.run(ticks: 5) { false }
        world.dropFilter = nil
        world.restart(follower)
        world.restart(oldLeader)
        finish(world)
        #expect(world.checker.history.count >= 3)
    }

    /// A leader crashes with proposals that only one follower logged. That follower has the newest
    /// history, so FLE elects it and the proposals commit in the next epoch (Zab never loses what the
    /// new leader holds); none was acknowledged before the crash.
    @Test func leaderCrashesWithProposalsAckedByAMinority() {
        let (world, leader) = establishedWorld(participants: 5)
        let keeper = world.participants.first { $0 != leader } ?? 0
        world.dropFilter = { from, to, message in
            if case .proposal = message { return from == leader && to != keeper }
            return false
        }
        let keys = (0..<3).compactMap { _ in world.submit(to: leader) }
        world.run(ticks: 3) { false }
        #expect(keys.count == 3)
        #expect(keys.allSatisfy { world.acknowledged[$0] == nil }, "a minority of acks commits nothing")
        world.crash(leader)
        world.dropFilter = nil
        world.run(ticks: 80) { world.peer(keeper)?.servingEpoch != nil && world.peer(keeper)?.state == .leading }
        #expect(world.peer(keeper)?.state == .leading, "the follower with the newest history leads")
        finish(world)
        #expect(keys.allSatisfy { world.isCommitted($0) })
    }

    /// The same, but the one follower that logged the proposals crashes with the leader: the others
    /// move on, and when both come back their extra entries are truncated (ZOOKEEPER-1156 boundary).
    @Test func leaderAndItsOnlyAckerCrashThenRejoinAndTruncate() {
        let (world, leader) = establishedWorld(participants: 5)
        let keeper = world.participants.first { $0 != leader } ?? 0
        world.dropFilter = { from, to, message in
            if case .proposal = message { return from == leader && to != keeper }
            return false
        }
        let lost = (0..<3).compactMap { _ in world.submit(to: leader) }
        world.run(ticks: 3) { false }
        world.crash(leader)
        world.crash(keeper)
        world.dropFilter = nil
        #expect(world.run(ticks: 80) { world.ids.contains { world.peer($0)?.state == .leading && world.peer($0)?.servingEpoch != nil } })
        let newLeader = world.ids.first { world.peer($0)?.state == .leading } ?? 0
        let kept = (0..<3).compactMap { _ in world.submit(to: newLeader) }
        world.run(ticks: 10) { kept.allSatisfy { world.acknowledged[$0] != nil } }
        var truncated: Set<PeerID> = []
        world.onDeliver = { _, to, message in
            if case .trunc = message { truncated.insert(to) }
        }
        world.restart(leader)
        world.restart(keeper)
        finish(world)
        #expect(truncated == [leader, keeper])
        #expect(lost.allSatisfy { !world.isCommitted($0) })
        #expect(kept.allSatisfy { world.isCommitted($0) })
    }

    /// An old leader cut off with proposals nobody else logged steps down when it loses its quorum; the
    /// others elect a leader and commit new writes; after healing, the old leader is TRUNCated.
    @Test func oldLeaderPartitionedRejoinsWithUncommittedEntries() {
        let (world, oldLeader) = establishedWorld()
        let partition = world.partition([oldLeader])
        let stale = (0..<3).compactMap { _ in world.submit(to: oldLeader) }
        #expect(stale.count == 3, "the old leader still believes it leads")
        let others = world.ids.filter { $0 != oldLeader }
        #expect(world.run(ticks: 60) { others.contains { world.peer($0)?.state == .leading && world.peer($0)?.servingEpoch != nil } })
        #expect(world.peer(oldLeader)?.state != .leading, "a leader without a quorum steps down")
        let newLeader = others.first { world.peer($0)?.state == .leading } ?? 0
        let epoch = world.peer(newLeader)?.servingEpoch
        let fresh = (0..<3).compactMap { _ in world.submit(to: newLeader) }
        world.run(ticks: 10) { fresh.allSatisfy { world.acknowledged[$0] != nil } }
        var truncatedTo: Zxid?
        world.onDeliver = { _, to, message in
            if case .trunc(let zxid) = message, to == oldLeader { truncatedTo = zxid }
        }
        world.heal(partition)
        finish(world)
        #expect(truncatedTo != nil)
        // The rejoining old leader holds more of epoch `epoch - 1` than the new leader started with; that
        // must not make the established leader step down (found in the golden trace).
        #expect(world.stableLeader() == newLeader)
        #expect(world.peer(newLeader)?.servingEpoch == epoch)
        #expect(stale.allSatisfy { !world.isCommitted($0) })
        #expect(fresh.allSatisfy { world.isCommitted($0) })
        #expect(world.peer(oldLeader)?.logEntries.contains { stale.contains(world.payloadKey($0.payload) ?? 0) } == false)
    }

    /// ZOOKEEPER-1154: the servers with the newest history are down at election time. The survivors
    /// that hold every committed write still form a quorum, and FLE picks the one with the newest log.
    @Test func electionWithoutTheMostUpToDateServers() {
        let (world, leader) = establishedWorld(participants: 5)
        let lagging = Array(world.participants.filter { $0 != leader }.suffix(2))
        world.dropFilter = { from, to, message in
            if case .proposal = message { return from == leader && lagging.contains(to) }
            return false
        }
        let keys = (0..<3).compactMap { _ in world.submit(to: leader) }
        world.run(ticks: 10) { keys.allSatisfy { world.acknowledged[$0] != nil } }
        #expect(keys.allSatisfy { world.acknowledged[$0] != nil })
        let ahead = world.participants.first { $0 != leader && !lagging.contains($0) } ?? 0
        world.crash(leader)
        world.crash(ahead)
        world.dropFilter = nil
        finish(world)
        #expect(keys.allSatisfy { world.isCommitted($0) })
    }

    /// ZOOKEEPER-1277: a leader whose epoch runs out of zxid counters steps down; the next epoch
    /// continues the history.
    @Test func zxidCounterRolloverForcesANewEpoch() {
        var options = SimOptions.quiet(participants: 3)
        options.counterLimit = 4
        let world = SimWorld(seed: 7, options: options)
        var accepted: [UInt64] = []
        for _ in 0..<200 where accepted.count < 12 {
            if let leader = world.stableLeader(), let key = world.submit(to: leader) { accepted.append(key) }
            world.run(ticks: 1) { false }
        }
        finish(world)
        let epochs = Set(world.checker.history.map(\.zxid.epoch))
        #expect(epochs.count >= 3)
        #expect(world.checker.history.allSatisfy { $0.zxid.counter <= 4 })
        #expect(accepted.filter { world.acknowledged[$0] != nil }.count >= 8)
    }

    /// A follower behind every snapshot of the leader gets SNAP, then the entries after it.
    @Test func learnerBehindTheLeadersSnapshotGetsASnap() {
        let (world, leader) = establishedWorld(participants: 3, observers: 1)
        let follower = world.participants.first { $0 != leader } ?? 0
        world.crash(follower)
        let keys = (0..<5).compactMap { _ in world.submit(to: leader) }
        world.run(ticks: 10) { keys.allSatisfy { world.acknowledged[$0] != nil } }
        for id in world.ids where id != follower { world.compact(id) }
        var snapped = false
        world.onDeliver = { _, to, message in
            if case .snap = message, to == follower { snapped = true }
        }
        world.restart(follower)
        finish(world)
        #expect(snapped)
    }

    /// ZOOKEEPER-3911: while a learner's synced entries are not durable it must not ack NEWLEADER, so
    /// the new leader cannot be established on a quorum that could still lose them.
    @Test func newLeaderAckWaitsForDisk() {
        let (world, leader) = establishedWorld(participants: 3)
        let lagging = world.participants.first { $0 != leader } ?? 0
        let successor = world.participants.first { $0 != leader && $0 != lagging } ?? 0
        world.dropFilter = { from, to, message in
            if case .proposal = message { return from == leader && to == lagging }
            return false
        }
        let keys = (0..<2).compactMap { _ in world.submit(to: leader) }
        world.run(ticks: 10) { keys.allSatisfy { world.acknowledged[$0] != nil } }
        world.crash(leader)
        world.dropFilter = nil
        world.nodes[lagging]?.holdFlushes = true
        var earlyAck = false
        world.onDeliver = { from, _, message in
            if from == lagging, self.isNewLeaderAck(message), world.nodes[lagging]?.holdFlushes == true { earlyAck = true }
        }
        world.run(ticks: 12) { false }
        #expect(!earlyAck)
        #expect(world.peer(successor)?.servingEpoch == nil, "no quorum has the history durably yet")
        world.nodes[lagging]?.holdFlushes = false
        world.flush(lagging)
        world.run(ticks: 30) { world.peer(successor)?.servingEpoch != nil || world.peer(lagging)?.servingEpoch != nil }
        world.crash(successor)
        world.restart(leader)
        finish(world)
        #expect(keys.allSatisfy { world.isCommitted($0) })
    }

    /// A learner that promised a higher epoch to a failed candidate would refuse the leader forever;
    /// the leader starts an election whose epoch is above the promise (found by the simulator, seed 682).
    @Test func learnerWithAHigherPromiseTriggersANewEpoch() {
        let (world, leader) = establishedWorld()
        let follower = world.participants.first { $0 != leader } ?? 0
        world.crash(follower)
        world.nodes[follower]?.disk.acceptedEpoch = 40
        world.restart(follower)
        finish(world)
        #expect((world.stableLeader().flatMap { world.peer($0)?.servingEpoch } ?? 0) > 40)
    }

    /// A follower may decide before its leader has; its FOLLOWERINFO then reaches a server still LOOKING.
    /// It retries instead of waiting initLimit (found by the simulator, seed 1044).
    @Test func learnerRetriesConnectingToALeaderThatIsNotReady() {
        let world = SimWorld(seed: 3, options: .quiet(participants: 3))
        var dropped = 0
        world.dropFilter = { _, _, message in
            if case .followerInfo = message, dropped < 2 {
                dropped += 1
                return true
            }
            return false
        }
        #expect(world.run(ticks: world.options.livenessLimit) { world.stableLeader() != nil })
        #expect(world.currentTick < 10, "retried within a few ticks, not after initLimit")
        finish(world)
    }

    /// A snapshot that covers synced entries whose appends were never flushed still makes them durable:
    /// the NEWLEADER ack must go out (found by the simulator, seed 904).
    @Test func snapshotDuringSyncReleasesTheNewLeaderAck() {
        let (world, leader) = establishedWorld()
        let follower = world.participants.first { $0 != leader } ?? 0
        world.crash(follower)
        let keys = (0..<3).compactMap { _ in world.submit(to: leader) }
        world.run(ticks: 10) { keys.allSatisfy { world.acknowledged[$0] != nil } }
        world.nodes[follower]?.holdFlushes = true
        var gotNewLeader = false
        world.onDeliver = { _, to, message in
            if case .newLeader = message, to == follower { gotNewLeader = true }
        }
        world.restart(follower)
        world.run(ticks: 20) { gotNewLeader && world.nodes[follower]?.app.applied == world.checker.lastZxid }
        world.run(ticks: 2) { false }
        #expect(gotNewLeader)
        #expect(world.peer(follower)?.servingEpoch == nil, "waiting for disk")
        world.compact(follower)
        world.run(ticks: 5) { world.peer(follower)?.servingEpoch != nil }
        #expect(world.peer(follower)?.servingEpoch != nil)
        finish(world)
    }

    /// ZOOKEEPER-4785's setting: proposals keep arriving while a learner syncs, so its log always has
    /// an unflushed tail. The NEWLEADER ack needs only the synced history durable, or the learner would
    /// never catch up under load.
    @Test func learnerSyncsWhileWritesKeepComing() {
        let (world, leader) = establishedWorld()
        world.options.flushDelay = 8...12
        let follower = world.participants.first { $0 != leader } ?? 0
        world.crash(follower)
        for _ in 0..<20 {
            world.submit(to: leader)
            world.run(units: 3)
        }
        world.restart(follower)
        var served = false
        for _ in 0..<400 where !served {
            world.submit(to: leader)
            world.run(units: 1)
            served = world.peer(follower)?.servingEpoch != nil
        }
        #expect(served, "the learner synced while writes kept coming")
        finish(world)
    }

    /// Observers get committed transactions through INFORM, never vote and never count for a quorum.
    @Test func observersFollowButDoNotCount() {
        let (world, leader) = establishedWorld(participants: 3, observers: 1, writes: 4)
        let observer = world.ids.last ?? 0
        #expect(world.peer(observer)?.state == .observing)
        #expect(world.nodes[observer]?.app.applied == world.checker.lastZxid)
        // With the two followers cut off, the leader and the observer are no quorum.
        let followers = world.participants.filter { $0 != leader }
        let partition = world.partition(followers)
        world.run(ticks: 20) { world.peer(leader)?.state != .leading }
        #expect(world.peer(leader)?.state != .leading)
        world.heal(partition)
        finish(world)
    }
}
