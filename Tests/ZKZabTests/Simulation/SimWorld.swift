import ZKZab

/// A deterministic, single-threaded world: servers running the real `ZabPeer`, a network that delays,
/// reorders, loses and repeats election traffic and breaks quorum connections, disks that lose unflushed
/// appends on a crash, crashes, restarts, partitions and a client workload. Everything random comes from
/// one seed. Invariants are checked after every event; the first violation stops the run.
final class SimWorld {
    let seed: UInt64
    var options: SimOptions
    var rng: SimRandom
    var queue = EventQueue()
    private(set) var now = 0
    var nodes: [PeerID: SimNode] = [:]
    let ids: [PeerID]
    let participants: [PeerID]

    // Network.
    var blocked: [Link: Int] = [:]  // link → number of partitions blocking it
    var partitions: [Int: [Link]] = [:]
    var nextPartition = 0
    var generation: [Link: Int] = [:]
    var open: Set<Link> = []
    var lastDelivery: [Link: [PeerID: Int]] = [:]
    var faultsActive = true
    /// Servers that are paused, and until when.
    var pausedUntil: [PeerID: Int] = [:]
    /// Scenario control: messages for which this returns true are dropped.
    var dropFilter: ((PeerID, PeerID, ZabMessage) -> Bool)?
    /// Scenario observation: called just before a message is handed to its receiver.
    var onDeliver: ((PeerID, PeerID, ZabMessage) -> Void)?

    // Checking.
    var checker = HistoryChecker()
    private(set) var failure: String?
    private var traceRing: [TraceLine] = []
    private var traceNext = 0
    var traceCapacity = 80
    var eventsProcessed = 0

    // Workload.
    var nextPayload: UInt64 = 1
    var submitted: [UInt64: (node: PeerID, incarnation: Int)] = [:]
    var acknowledged: [UInt64: Zxid] = [:]

    init(seed: UInt64, options: SimOptions) {
        self.seed = seed
        self.options = options
        rng = SimRandom(seed: seed)
        participants = (1...options.participants).map { PeerID($0) }
        let observers = (0..<options.observers).map { PeerID(options.participants + 1 + $0) }
        ids = participants + observers
        for id in ids {
            let config = ZabConfig(
                id: id, participants: Set(participants), observers: Set(observers), counterLimit: options.counterLimit)
            nodes[id] = SimNode(config: config)
        }
        for id in ids { boot(id) }
        queue.schedule(.worldTick, at: 0)
    }

    // MARK: - Running

    /// Runs until `tick` (world ticks), a failure or `stop` holds.
    func run(untilTick tick: Int, stop: (() -> Bool)? = nil) {
        let end = tick * options.tickUnits
        while failure == nil, let next = peekTime(), next <= end {
            guard let (time, event) = queue.pop() else { break }
            now = time
            handle(event)
            eventsProcessed += 1
            if failure == nil { checkInvariants() }
            if let stop, stop() { return }
        }
        if failure == nil { now = max(now, end) }
    }

    var currentTick: Int { now / options.tickUnits }

    private func peekTime() -> Int? { queue.nextTime }

    /// The standard run: a fault phase, then healing and a liveness check. Returns the failure, if any.
    func runStandard() -> String? {
        run(untilTick: options.faultTicks)
        if failure == nil { checkLiveness() }
        return failure
    }

    // MARK: - Events

    private func handle(_ event: SimEvent) {
        // A paused server (a long GC or a stopped VM) handles nothing until it resumes; what arrives for
        // it waits, in order.
        if let target = event.target, let until = pausedUntil[target] {
            if now < until {
                queue.schedule(event, at: until)
                return
            }
            pausedUntil[target] = nil
        }
        switch event {
        case .deliver(let from, let to, let message, let gen):
            deliver(message, from: from, to: to, generation: gen)
        case .tick(let id, let incarnation):
            guard var node = nodes[id], var peer = node.peer, node.incarnation == incarnation else { return }
            peer.tick()
            node.peer = peer
            nodes[id] = node
            drain(id)
            if faultsActive && rng.chance(options.compactRate) { compact(id) }
            // Clocks drift a little: ticks are not exactly tickUnits apart.
            let jitter = faultsActive ? rng.range(-options.tickJitter...options.tickJitter) : 0
            queue.schedule(.tick(id, incarnation: incarnation), at: now + options.tickUnits + jitter)
        case .flush(let id, let incarnation):
            guard let node = nodes[id], node.incarnation == incarnation, node.isUp else { return }
            nodes[id]?.flushScheduled = false
            if faultsActive && node.disk.pending.count > 1 && rng.chance(0.3) {
                // An fsync that covers only part of what was written; the rest follows later.
                flush(id, count: rng.range(1...node.disk.pending.count - 1))
                nodes[id]?.flushScheduled = true
                queue.schedule(.flush(id, incarnation: incarnation), at: now + rng.range(options.flushDelay))
            } else {
                flush(id)
            }
        case .disconnectNotice(let to, let peer, let gen, let incarnation):
            guard var node = nodes[to], var p = node.peer, node.incarnation == incarnation,
                generation[Link(to, peer), default: 0] == gen
            else { return }
            p.disconnected(peer)
            node.peer = p
            nodes[to] = node
            drain(to)
        case .restart(let id):
            if nodes[id]?.isUp == false { restart(id) }
        case .heal(let partition):
            heal(partition)
        case .worldTick:
            worldTick()
            queue.schedule(.worldTick, at: now + options.tickUnits)
        }
    }

    private func worldTick() {
        if faultsActive {
            nemesis()
            let writes = Int(options.writeRate) + (rng.chance(options.writeRate.truncatingRemainder(dividingBy: 1)) ? 1 : 0)
            for _ in 0..<writes { submitToRandomNode() }
        }
        checkDurability()
    }

    private func nemesis() {
        if rng.chance(options.crashRate), let victim = rng.pick(ids.filter { nodes[$0]?.isUp == true }) {
            crash(victim)
            queue.schedule(.restart(victim), at: now + rng.range(options.restartDelay) * options.tickUnits)
        }
        if rng.chance(options.pauseRate), let victim = rng.pick(ids.filter { nodes[$0]?.isUp == true && pausedUntil[$0] == nil }) {
            let ticks = rng.range(options.pauseLength)
            pausedUntil[victim] = now + ticks * options.tickUnits
            note(victim, "PAUSE for \(ticks) ticks")
        }
        if rng.chance(options.partitionRate) {
            let shuffled = rng.shuffled(ids)
            let side = Array(shuffled.prefix(rng.range(1...max(1, ids.count / 2))))
            let id = partition(side)
            queue.schedule(.heal(partition: id), at: now + rng.range(options.partitionLength) * options.tickUnits)
        }
    }

    // MARK: - Servers

    private func boot(_ id: PeerID) {
        guard var node = nodes[id] else { return }
        node.peer = ZabPeer(config: node.config, state: node.disk.persistentState)
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
    func flush(_ id: PeerID, count: Int? = nil) {
        guard var node = nodes[id], var peer = node.peer else { return }
        node.disk.flush(count: count)
        peer.persisted(through: node.disk.durableLast)
        node.peer = peer
        nodes[id] = node
        drain(id)
    }

    /// Carries out everything the peer asked for, checking the storage contract on the way.
    private func drain(_ id: PeerID) {
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
                guard node.disk.pending.isEmpty else { return fail("node \(id) writes currentEpoch \(e) before its log is durable") }
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
                node.disk.pending.append(entry)
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
        if appended, let n = nodes[id], !n.flushScheduled, !n.holdFlushes {
            nodes[id]?.flushScheduled = true
            queue.schedule(.flush(id, incarnation: n.incarnation), at: now + rng.range(options.flushDelay))
        }
    }

    // MARK: - Network

    private func send(_ message: ZabMessage, from: PeerID, to: PeerID) {
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

    private func delay() -> Int {
        faultsActive && rng.chance(options.slowRate) ? rng.range(options.slowDelay) : rng.range(options.delay)
    }

    private func deliver(_ message: ZabMessage, from: PeerID, to: PeerID, generation gen: Int?) {
        guard var node = nodes[to], var peer = node.peer else { return }
        let link = Link(from, to)
        guard blocked[link, default: 0] == 0 else { return }
        if let gen { guard open.contains(link), generation[link, default: 0] == gen else { return } }
        trace(from, to, message)
        onDeliver?(from, to, message)
        peer.step(message, from: from)
        node.peer = peer
        nodes[to] = node
        drain(to)
    }

    /// Closes a quorum connection: in-flight packets are lost. `noticeTo` hears about it (a socket error).
    private func closeConnection(_ link: Link, noticeTo: PeerID?, noticeRate: Double? = nil) {
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

    // MARK: - Workload

    func payloadKey(_ payload: [UInt8]) -> UInt64? {
        guard payload.count == 8 else { return nil }
        return payload.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A client sends a unique write to `id`; returns its key when the server took it.
    @discardableResult
    func submit(to id: PeerID) -> UInt64? {
        guard var node = nodes[id], var peer = node.peer else { return nil }
        let key = nextPayload
        nextPayload += 1
        let payload = (0..<8).map { UInt8(truncatingIfNeeded: key >> UInt64(56 - 8 * $0)) }
        var accepted = false
        do {
            _ = try peer.propose(payload)
            accepted = true
        } catch {}
        node.peer = peer
        nodes[id] = node
        if accepted { submitted[key] = (id, node.incarnation) }
        drain(id)
        return accepted ? key : nil
    }

    private func submitToRandomNode() {
        if let id = rng.pick(ids.filter { nodes[$0]?.isUp == true }) { submit(to: id) }
    }

    // MARK: - Invariants

    func fail(_ message: String) {
        if failure == nil {
            failure = message
            note(0, "VIOLATION: \(message)")
        }
    }

    private func checkInvariants() {
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

    private(set) var livenessTicks = 0

    // MARK: - Scenario helpers

    func peer(_ id: PeerID) -> ZabPeer? { nodes[id]?.peer }

    /// Runs until `condition` holds or `ticks` pass; returns whether it held.
    @discardableResult
    func run(ticks: Int, until condition: @escaping () -> Bool) -> Bool {
        if condition() { return true }
        run(untilTick: currentTick + ticks, stop: condition)
        return condition()
    }

    /// Whether every live node has applied the whole committed history.
    var allApplied: Bool {
        ids.allSatisfy { id in nodes[id].map { !$0.isUp || $0.app.applied == checker.lastZxid } ?? true }
    }

    /// Whether the payload written with `key` is in the committed history.
    func isCommitted(_ key: UInt64) -> Bool { checker.history.contains { payloadKey($0.payload) == key } }

    /// The leader every server follows in its serving epoch, if there is one.
    func stableLeader() -> PeerID? {
        guard let leaderID = ids.first(where: { nodes[$0]?.peer?.state == .leading }),
            let epoch = nodes[leaderID]?.peer?.servingEpoch
        else { return nil }
        for id in ids {
            guard let peer = nodes[id]?.peer, peer.servingEpoch == epoch, peer.leader == leaderID else { return nil }
        }
        return leaderID
    }

    // MARK: - Trace

    private func trace(_ from: PeerID, _ to: PeerID, _ message: ZabMessage, note: String? = nil) {
        record(TraceLine(time: now, from: from, to: to, message: message, note: note))
    }

    func note(_ id: PeerID, _ text: @autoclosure () -> String) {
        record(TraceLine(time: now, from: id, to: id, message: nil, note: text()))
    }

    private func record(_ line: TraceLine) {
        if traceRing.count < traceCapacity {
            traceRing.append(line)
        } else {
            traceRing[traceNext] = line
        }
        traceNext = (traceNext + 1) % traceCapacity
    }

    /// The last events, oldest first.
    var traceText: String {
        let ordered = traceRing.count < traceCapacity ? traceRing : Array(traceRing[traceNext...] + traceRing[..<traceNext])
        return ordered.map { $0.render(tickUnits: options.tickUnits) }.joined(separator: "\n")
    }

    var report: String {
        "seed=\(seed) \(options)\nfailure: \(failure ?? "none")\nlast events:\n\(traceText)"
    }
}
