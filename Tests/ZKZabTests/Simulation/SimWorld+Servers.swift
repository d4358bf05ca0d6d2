import ZKSimulation
import ZKZab

/// Booting, crashing and restarting servers, their disks, and carrying out their `Ready`s.
extension SimWorld {
    func boot(_ id: PeerID) {
        guard var node = nodes[id] else { return }
        do {
            try node.disk.persistentState.validate()
        } catch {
            return fail("node \(id) cannot restart from its disk: \(error)")
        }
        node.peer = try! ZabPeer(config: node.config, state: node.disk.persistentState)
        if let snapshot = node.disk.snapshot {
            guard let app = SimApp(snapshot: snapshot) else { return fail("node \(id) cannot read its snapshot") }
            node.app = app
            if checker.digest(at: snapshot.zxid) != app.digest {
                return fail("node \(id) restarts from snapshot \(snapshot.zxid) whose state differs from the history")
            }
        } else {
            node.app = SimApp()
        }
        nodes[id] = node
        note(id, "boot acceptedEpoch=\(node.disk.acceptedEpoch) currentEpoch=\(node.disk.currentEpoch) log=\(node.disk.baseZxid)...\(node.disk.durableLast)")
        queue.schedule(.tick(id, incarnation: node.incarnation), at: now + rng.range(1...options.tickUnits))
        drain(id)
    }

    func crash(_ id: PeerID) {
        guard var node = nodes[id], node.isUp else { return }
        checkDurability()
        node.peer = nil
        node.disk.crash()
        node.incarnation += 1
        node.flushScheduled = false
        nodes[id] = node
        note(id, "CRASH (durable log ends at \(node.disk.durableLast))")
        for other in ids where other != id { closeConnection(Link(id, other), noticeTo: rng.chance(0.5) ? other : nil) }
    }

    func restart(_ id: PeerID) {
        guard nodes[id]?.isUp == false else { return }
        boot(id)
    }

    /// The application snapshots its applied state and the log before it is dropped.
    func compact(_ id: PeerID) {
        guard var node = nodes[id], var peer = node.peer, node.app.applied > node.disk.baseZxid else { return }
        let snapshot = node.app.snapshot
        node.disk.compact(snapshot)
        peer.compact(snapshot)
        node.peer = peer
        nodes[id] = node
        note(id, "snapshot at \(snapshot.zxid)")
        drain(id)
    }

    /// Makes every written append durable and tells the peer.
    /// Completes an fsync that covered writes through `through` (everything written, by default).
    func flush(_ id: PeerID, through: Int = .max, count: Int? = nil) {
        guard var node = nodes[id], var peer = node.peer else { return }
        node.disk.flush(through: through, count: count)
        peer.persisted(through: node.disk.durableLast)
        node.peer = peer
        nodes[id] = node
        drain(id)
    }

    /// Carries out everything the peer asked for, checking the storage contract on the way.
    func drain(_ id: PeerID) {
        guard var node = nodes[id], var peer = node.peer, peer.hasReady else { return }
        let ready = peer.takeReady()
        node.peer = peer
        var appended = false
        for op in ready.storage {
            switch op {
            case .setAcceptedEpoch(let e):
                guard e >= node.disk.acceptedEpoch else { return fail("node \(id) acceptedEpoch goes back to \(e)") }
                node.disk.acceptedEpoch = e
            case .setCurrentEpoch(let e):
                guard e >= node.disk.currentEpoch, e <= node.disk.acceptedEpoch else {
                    return fail("node \(id) currentEpoch \(node.disk.currentEpoch)→\(e) with acceptedEpoch \(node.disk.acceptedEpoch)")
                }
                // ZOOKEEPER-4646: a learner's synced history (a leader's whole log) is durable first.
                if let sync = newLeaderSyncEnd[id], sync.epoch == e, node.peer?.state != .leading {
                    guard node.disk.durableLast >= sync.end else {
                        return fail("node \(id) writes currentEpoch \(e) before its synced log (to \(sync.end)) is durable")
                    }
                } else {
                    guard node.disk.pending.isEmpty else { return fail("node \(id) writes currentEpoch \(e) before its log is durable") }
                }
                node.disk.currentEpoch = e
            case .truncate(let zxid):
                guard zxid >= node.disk.baseZxid else { return fail("node \(id) truncates into its snapshot") }
                node.disk.truncate(after: zxid)
                note(id, "truncate after \(zxid)")
            case .installSnapshot(let snapshot):
                node.disk.install(snapshot)
                guard let app = SimApp(snapshot: snapshot), checker.digest(at: snapshot.zxid) == app.digest else {
                    return fail("node \(id) installs snapshot \(snapshot.zxid) that is not a state of the committed history")
                }
                guard app.applied >= node.app.applied else { return fail("node \(id) installs a snapshot behind its state") }
                node.app = app
                note(id, "install \(snapshot)")
            case .append(let entry):
                guard node.disk.writtenLast.isFollowed(by: entry.zxid) else {
                    return fail("node \(id) appends \(entry.zxid) after \(node.disk.writtenLast): a hole in its log")
                }
                node.disk.write(entry)
                appended = true
            }
        }
        for event in ready.events {
            note(id, "\(event)")
            if case .stateChanged(.looking) = event {
                // A server that stops following or leading closes its quorum connections; the other end
                // usually sees the close at once (unless the network is what failed).
                for other in ids where other != id {
                    closeConnection(Link(id, other), noticeTo: other, noticeRate: 0.9)
                }
            }
        }
        nodes[id] = node
        for out in ready.messages { send(out.message, from: id, to: out.to) }
        for entry in ready.committed {
            guard let current = nodes[id] else { return }
            if let violation = checker.apply(entry, on: current.app, by: id) { return fail(violation) }
            nodes[id]?.app.apply(entry)
            if let digest = checker.digest(at: entry.zxid), digest != nodes[id]?.app.digest {
                return fail("node \(id) state differs from the history at \(entry.zxid)")
            }
            if let key = payloadKey(entry.payload), let s = submitted[key], s.node == id,
                s.incarnation == current.incarnation, acknowledged[key] == nil
            {
                acknowledged[key] = entry.zxid
            }
        }
        if appended { scheduleFlush(id) }
    }

    /// Starts an fsync of what is written now, unless one is already running.
    func scheduleFlush(_ id: PeerID) {
        guard let n = nodes[id], n.isUp, !n.flushScheduled, !n.holdFlushes, !n.disk.pending.isEmpty else { return }
        nodes[id]?.flushScheduled = true
        queue.schedule(.flush(id, incarnation: n.incarnation, through: n.disk.writeSeq), at: now + rng.range(options.flushDelay))
    }
}
