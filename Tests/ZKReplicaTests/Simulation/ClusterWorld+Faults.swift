import ZKSimulation
import ZKReplica
import ZKServerCore

extension ClusterWorld {
    // MARK: Network

    func send(_ message: PeerMessage, from: Int64, to: Int64) {
        let link = Link(from, to)
        guard blocked[link, default: 0] == 0, members[to] != nil else { return }
        switch message {
        case .zab(.ping), .zab(.notification), .learnerPing, .zab(.ack): break
        default: note("\(from)→\(to) \(message)")
        }
        if faultsActive, rng.chance(options.slowLinkRate) {
            // A congested link: this message and everything after it on the connection come late.
            let link = DirectedLink(from: from, to: to)
            lastDelivery[link] = max(lastDelivery[link] ?? 0, now + rng.range(options.slowLinkMillis))
        }
        queue.schedule(.deliver(from: from, to: to, message, generation: generation[link, default: 0]),
                       at: deliveryTime(DirectedLink(from: from, to: to)))
    }

    /// The connection between two members breaks: what is in flight is lost and both ends notice.
    func cut(_ link: Link) {
        generation[link, default: 0] += 1
        for (end, other) in [(link.a, link.b), (link.b, link.a)] {
            guard let member = members[end], member.replica != nil else { continue }
            queue.schedule(.disconnected(to: end, peer: other, incarnation: member.incarnation), at: now + rng.range(options.latency))
        }
    }

    func partition(_ side: [Int64]) -> Int {
        let other = ids.filter { !side.contains($0) }
        var links: [Link] = []
        for a in side { for b in other { links.append(Link(a, b)) } }
        nextPartition += 1
        partitions[nextPartition] = links
        for link in links {
            blocked[link, default: 0] += 1
            cut(link)
        }
        note("PARTITION \(side) | \(other)")
        return nextPartition
    }

    func heal(_ partition: Int) {
        guard let links = partitions.removeValue(forKey: partition) else { return }
        for link in links { blocked[link, default: 0] -= 1 }
        note("HEAL partition \(partition)")
    }

    func healAll() {
        for id in partitions.keys.sorted() { heal(id) }
        for id in ids where members[id]?.replica == nil { boot(id) }
    }

    // MARK: Faults

    func nemesis() {
        if rng.chance(options.powerCutRate) {
            // Every member at once (a rack loses power): only what was fsynced survives.
            note("POWER CUT")
            for id in ids where members[id]?.replica != nil {
                crash(id)
                queue.schedule(.restart(id), at: now + rng.range(options.restartMillis))
            }
            return
        }
        if rng.chance(options.crashRate), let victim = rng.pick(ids.filter { members[$0]?.replica != nil }) {
            crash(victim)
            queue.schedule(.restart(victim), at: now + rng.range(options.restartMillis))
        }
        if rng.chance(options.partitionRate), partitions.isEmpty {
            let side = Array(rng.shuffled(ids).prefix(rng.range(1...max(1, ids.count / 2))))
            let id = partition(side)
            queue.schedule(.heal(partition: id), at: now + rng.range(options.partitionMillis))
        }
    }

    /// After the faults end: one leader, every member serving in its epoch, the same tree everywhere, and
    /// every client's outstanding request answered.
    func checkLiveness() {
        let leaders = ids.filter { if case .leader = members[$0]?.replica?.core.role { return true } else { return false } }
        guard leaders.count == 1 else { return fail("no single leader after the quiet phase: \(leaders)") }
        for id in ids {
            guard let role = members[id]?.replica?.core.role, role.isServing else {
                return fail("member \(id) is not serving after the quiet phase")
            }
        }
        let zxids = Set(ids.compactMap { members[$0]?.replica?.core.lastProcessedZxid })
        if zxids.count != 1 { fail("members differ after the quiet phase: \(zxids.sorted())") }
    }
}
