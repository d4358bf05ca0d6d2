import ZKSimulation
import ZKZab

/// Election traffic may be lost, repeated and reordered; quorum connections are FIFO until they break.
extension SimWorld {
    func send(_ message: ZabMessage, from: PeerID, to: PeerID) {
        guard nodes[to] != nil else { return }
        let link = Link(from, to)
        if let dropFilter, dropFilter(from, to, message) {
            trace(from, to, message, note: "dropped")
            return
        }
        if case .notification = message {
            guard blocked[link, default: 0] == 0 else { return }
            if faultsActive && rng.chance(options.notificationDropRate) { return }
            queue.schedule(.deliver(from: from, to: to, message: message, generation: nil), at: now + delay())
            if faultsActive && rng.chance(options.notificationDuplicateRate) {
                queue.schedule(.deliver(from: from, to: to, message: message, generation: nil), at: now + delay())
            }
            return
        }
        switch message {
        case .followerInfo, .observerInfo:
            // A learner opens a fresh connection to its leader; the old one, if any, is gone.
            guard blocked[link, default: 0] == 0 else { return }
            generation[link, default: 0] += 1
            open.insert(link)
        default:
            break
        }
        guard open.contains(link), blocked[link, default: 0] == 0 else { return }
        if faultsActive && rng.chance(options.linkCutRate) {
            note(from, "connection to \(to) breaks")
            closeConnection(link, noticeTo: rng.chance(options.disconnectNoticeRate) ? (rng.chance(0.5) ? from : to) : nil)
            return
        }
        // FIFO per direction: never deliver before the previous message on this connection.
        let earliest = lastDelivery[link]?[to] ?? 0
        let at = max(now + delay(), earliest)
        lastDelivery[link, default: [:]][to] = at
        queue.schedule(.deliver(from: from, to: to, message: message, generation: generation[link, default: 0]), at: at)
    }

    func delay() -> Int {
        faultsActive && rng.chance(options.slowRate) ? rng.range(options.slowDelay) : rng.range(options.delay)
    }

    func deliver(_ message: ZabMessage, from: PeerID, to: PeerID, generation gen: Int?) {
        guard var node = nodes[to], var peer = node.peer else { return }
        let link = Link(from, to)
        guard blocked[link, default: 0] == 0 else { return }
        if let gen { guard open.contains(link), generation[link, default: 0] == gen else { return } }
        trace(from, to, message)
        onDeliver?(from, to, message)
        if case .newLeader(let zxid, _) = message { newLeaderSyncEnd[to] = (zxid.epoch, peer.lastLogged) }
        peer.step(message, from: from)
        node.peer = peer
        nodes[to] = node
        drain(to)
    }

    /// Closes a quorum connection: in-flight packets are lost. `noticeTo` hears about it (a socket error).
    func closeConnection(_ link: Link, noticeTo: PeerID?, noticeRate: Double? = nil) {
        guard open.contains(link) else { return }
        open.remove(link)
        generation[link, default: 0] += 1
        if let noticeTo, let node = nodes[noticeTo], node.isUp, rng.chance(noticeRate ?? options.disconnectNoticeRate) {
            let other = noticeTo == link.a ? link.b : link.a
            queue.schedule(
                .disconnectNotice(to: noticeTo, peer: other, generation: generation[link, default: 0], incarnation: node.incarnation),
                at: now + delay())
        }
    }

    /// Cuts `side` off from everyone else; returns the partition's id for `heal`.
    @discardableResult
    func partition(_ side: [PeerID]) -> Int {
        let inside = Set(side)
        var links: [Link] = []
        for a in side {
            for b in ids where !inside.contains(b) {
                let link = Link(a, b)
                links.append(link)
                blocked[link, default: 0] += 1
                closeConnection(link, noticeTo: nil)
            }
        }
        nextPartition += 1
        partitions[nextPartition] = links
        note(side.first ?? 0, "PARTITION \(side.sorted()) | rest")
        return nextPartition
    }

    func heal(_ partition: Int) {
        guard let links = partitions.removeValue(forKey: partition) else { return }
        for link in links {
            blocked[link, default: 1] -= 1
            if blocked[link] == 0 { blocked[link] = nil }
        }
        note(0, "HEAL partition \(partition)")
    }

    func healAll() {
        for id in partitions.keys.sorted() { heal(id) }
    }
}
