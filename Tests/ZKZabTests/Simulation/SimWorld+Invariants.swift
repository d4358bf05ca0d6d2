import ZKZab

/// The safety invariants checked after every event, and the liveness check after the faults stop.
extension SimWorld {
    func fail(_ message: String) {
        if failure == nil {
            failure = message
            note(0, "VIOLATION: \(message)")
        }
    }

    func checkInvariants() {
        for id in ids {
            guard let node = nodes[id], let peer = node.peer else { continue }
            if peer.acceptedEpoch != node.disk.acceptedEpoch || peer.currentEpoch != node.disk.currentEpoch {
                return fail("node \(id) epochs in memory differ from disk")
            }
            if peer.lastCommitted != node.app.applied {
                return fail("node \(id) committed \(peer.lastCommitted) but applied \(node.app.applied)")
            }
            if peer.lastCommitted > peer.lastLogged { return fail("node \(id) committed beyond its log") }
            if peer.state == .leading, let epoch = peer.servingEpoch {
                if let violation = checker.established(epoch: epoch, leader: id) { return fail(violation) }
            }
        }
    }

    /// Every committed transaction is durable on a quorum of participants, so it survives any minority
    /// crash (and every acknowledged write is committed).
    func checkDurability() {
        guard !checker.history.isEmpty else { return }
        let last = checker.history.count - 1
        var holders: [PeerID] = []
        for id in participants {
            guard let node = nodes[id] else { continue }
            let prefix = checker.durablePrefix(of: node.disk)
            if prefix == -2 { return fail("node \(id) has a snapshot that is not in the committed history") }
            if prefix >= last { holders.append(id) }
        }
        if 2 * holders.count <= participants.count {
            fail("committed \(checker.lastZxid) is durable only on \(holders.sorted()): a minority crash loses it")
        }
    }

    /// After faults stop, everything heals and restarts; within `livenessLimit` ticks one leader must
    /// serve everyone, and writes submitted then must commit everywhere.
    func checkLiveness() {
        faultsActive = false
        dropFilter = nil
        healAll()
        pausedUntil.removeAll()
        for id in ids where nodes[id]?.isUp == false { restart(id) }
        for id in ids where nodes[id]?.holdFlushes == true {
            nodes[id]?.holdFlushes = false
            flush(id)
        }
        let start = currentTick
        run(untilTick: start + options.livenessLimit) { self.stableLeader() != nil }
        guard failure == nil else { return }
        guard stableLeader() != nil else {
            let states = ids.map { "\($0):\(nodes[$0]?.peer?.state.description ?? "down")" }.joined(separator: " ")
            return fail("no stable leader \(options.livenessLimit) ticks after healing (\(states))")
        }
        livenessTicks = currentTick - start
        // Writes straight to the leader (a write forwarded by a learner whose session then breaks is lost,
        // as in ZooKeeper: the client sees a connection loss and retries). A leader may step down when its
        // epoch's zxid counter runs out; its pending writes may then be lost, so keep trying.
        var probes: [(key: UInt64, leader: PeerID, epoch: Int64)] = []
        let probeDeadline = currentTick + 80
        while failure == nil, probes.count < 4, currentTick < probeDeadline {
            if let leader = stableLeader(), let epoch = nodes[leader]?.peer?.servingEpoch, let key = submit(to: leader) {
                probes.append((key, leader, epoch))
            }
            run(untilTick: currentTick + 1)
        }
        run(untilTick: currentTick + 20)
        guard failure == nil else { return }
        let lost = probes.filter { acknowledged[$0.key] == nil && nodes[$0.leader]?.peer?.servingEpoch == $0.epoch }
        guard !probes.isEmpty, lost.isEmpty, probes.contains(where: { acknowledged[$0.key] != nil }) else {
            let detail = probes.map { "\($0.key)@\($0.leader)/\($0.epoch)→\(acknowledged[$0.key].map { "\($0)" } ?? "lost")" }
            return fail("writes to the stable leader were not acknowledged within 20 ticks: \(detail)")
        }
        run(untilTick: currentTick + options.livenessLimit) { self.stableLeader() != nil }
        run(untilTick: currentTick + 10)
        guard failure == nil else { return }
        for id in ids {
            guard let node = nodes[id], node.app.applied == checker.lastZxid else {
                return fail("node \(id) applied \(nodes[id]?.app.applied ?? .zero), history ends at \(checker.lastZxid)")
            }
        }
        checkDurability()
    }
}
