import ZKSimulation
import ZKZab

/// A deterministic, single-threaded world: servers running the real `ZabPeer`, a network that delays,
/// reorders, loses and repeats election traffic and breaks quorum connections, disks that lose unflushed
/// appends on a crash, crashes, restarts, partitions and a client workload. Everything random comes from
/// one seed. Invariants are checked after every event; the first violation stops the run.
final class SimWorld {
    let seed: UInt64
    var options: SimOptions
    var rng: SimRandom
    var queue = EventQueue<SimEvent>()
    var now = 0
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
    /// For each learner, the epoch of the last NEWLEADER it received and its log end then: what must be
    /// durable before it writes that currentEpoch.
    var newLeaderSyncEnd: [PeerID: (epoch: Int64, end: Zxid)] = [:]
    /// Scenario control: messages for which this returns true are dropped.
    var dropFilter: ((PeerID, PeerID, ZabMessage) -> Bool)?
    /// Scenario observation: called just before a message is handed to its receiver.
    var onDeliver: ((PeerID, PeerID, ZabMessage) -> Void)?

    // Checking.
    var checker = HistoryChecker()
    var failure: String?
    var traceRing: [TraceLine] = []
    var traceNext = 0
    var traceCapacity = 80
    var eventsProcessed = 0
    /// Ticks the last liveness phase took to reach a stable leader.
    var livenessTicks = 0

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
        run(untilTime: tick * options.tickUnits, stop: stop)
    }

    func run(untilTime end: Int, stop: (() -> Bool)? = nil) {
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

    func peekTime() -> Int? { queue.nextTime }

    /// The standard run: a fault phase, then healing and a liveness check. Returns the failure, if any.
    func runStandard() -> String? {
        run(untilTick: options.faultTicks)
        if failure == nil { checkLiveness() }
        return failure
    }

    // MARK: - Events
    func handle(_ event: SimEvent) {
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
        case .flush(let id, let incarnation, let through):
            guard let node = nodes[id], node.incarnation == incarnation, node.isUp else { return }
            nodes[id]?.flushScheduled = false
            // Sometimes an fsync gets only part of the way (the rest follows with the next one).
            let covered = node.disk.pendingSeq.prefix { $0 <= through }.count
            let partial = faultsActive && covered > 1 && rng.chance(0.3) ? rng.range(1...covered - 1) : nil
            flush(id, through: through, count: partial)
            // The log thread starts the next fsync for whatever was written meanwhile.
            scheduleFlush(id)
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

    func worldTick() {
        if faultsActive {
            nemesis()
            let writes = Int(options.writeRate) + (rng.chance(options.writeRate.truncatingRemainder(dividingBy: 1)) ? 1 : 0)
            for _ in 0..<writes { submitToRandomNode() }
        }
        checkDurability()
    }

    func nemesis() {
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
}
