import DequeModule
import Logging
import NIOCore
import ZKDataTree
import ZKMetrics
import ZKProtocol
import ZKServerCore
import ZKZab

/// One ZooKeeper server as a pure state machine: the server core and, in an ensemble, the Zab peer. Every
/// input a server receives comes in through a method here (client connections and requests, peer messages,
/// ticks, storage completions, all with the time passed in); what the server must do comes out of
/// `takeReady()` as one ordered batch. No sockets, files or clocks: the shell executes, the simulator runs
/// the same code over a simulated network and disk.
public final class Replica {
    public let core: ServerCore
    let outbox: ClientOutbox
    /// nil when standalone.
    public let settings: ReplicaSettings?
    public internal(set) var peer: ZabPeer?
    var effects: [ReplicaEffect] = []
    /// A Zab Ready whose rest waits for a rewrite of storage (TRUNC or SNAP) to finish.
    var held: (ready: Ready, next: Int)?
    var rewriting = false
    /// The Zab tick at which this member stopped serving: read-only mode starts on ticks, not the wall clock.
    var notServingSince: Int?
    /// Syncs a broken learner answers itself once the current input is done (`InjectedFaults.answerSyncLocally`).
    var localSyncAnswers = 0
    /// Quorum packets to and from each member and the requests it forwarded: the AdminServer's observers
    /// entries (Apache's LearnerHandler counts), reset by orst.
    var traffic: [Int64: PeerTraffic] = [:]
    /// Each learner's sync under way, for the log line that says how it was synced and how much it took.
    var syncsInProgress: [Int64: LearnerSync] = [:]
    public var faults: InjectedFaults = []
    /// Since when (monotonic ms) this member has been electing, syncing with a leader, and not serving: the
    /// election, sync and unavailable times Apache reports.
    var lookingSince: Int64?
    var syncingSince: Int64?
    var unavailableSince: Int64?

    /// A standalone server; `memoryOnly` applies every write at once, with no log (unit tests).
    public init(serverSettings: ServerSettings, tree: DataTree, sessions: [Int64: Int32], now: Now, memoryOnly: Bool = false,
                metrics: ServerMetrics = ServerMetrics()) {
        outbox = ClientOutbox(metrics: metrics)
        core = ServerCore(settings: serverSettings, tree: tree, output: outbox, now: now, metrics: metrics)
        settings = nil
        restore(sessions, now: now)
        if !memoryOnly { core.logSink = self }
    }

    /// A member of an ensemble, starting from the peer recovery made of its disk. It serves nobody until Zab
    /// makes it a leader or a synced learner.
    public init(serverSettings: ServerSettings, tree: DataTree, sessions: [Int64: Int32], settings: ReplicaSettings,
                peer: ZabPeer, now: Now, metrics: ServerMetrics = ServerMetrics()) {
        outbox = ClientOutbox(metrics: metrics)
        core = ServerCore(settings: serverSettings, tree: tree, output: outbox, now: now, metrics: metrics)
        self.settings = settings
        self.peer = peer
        restore(sessions, now: now)
        core.logSink = self
        core.replication = self
        core.stopServing()
        notServingSince = peer.now
        core.setEnsembleConfig(Self.configText(peer.config.membership), version: peer.config.configVersion, now: now)
        lookingSince = now.monotonicMillis
        unavailableSince = now.monotonicMillis
        core.metrics.lookingCount.increment()
    }

    private func restore(_ sessions: [Int64: Int32], now: Now) {
        for (id, timeout) in sessions.sorted(by: { $0.key < $1.key }) { core.restoreSession(id, timeout: timeout, now: now) }
    }

    /// Everything to do since the last call, in order.
    public func takeReady() -> ReplicaReady {
        var ready = ReplicaReady()
        for event in core.takeOperatorEvents() { effects.append(.log(event)) }
        if !effects.isEmpty {
            ready.effects = effects
            effects.removeAll(keepingCapacity: true)
        }
        outbox.take(into: &ready)
        return ready
    }

    // MARK: Clients

    public func connectionOpened(_ id: ConnectionID, remoteHost: String, remotePort: Int, now: Now) {
        core.connectionOpened(id, remoteHost: remoteHost, remotePort: remotePort, now: now)
    }

    public func connectionClosed(_ id: ConnectionID) {
        core.connectionClosed(id)
    }

    public func connect(_ id: ConnectionID, _ request: ConnectRequest, now: Now) {
        core.advanceTime(to: now)
        core.receiveConnect(id, request, now: now)
        advance()
    }

    /// The connection's TLS handshake ended: the subject of the certificate the client showed, if any.
    public func certificatePresented(_ id: ConnectionID, subject: String?) {
        core.certificatePresented(id, subject: subject)
        advance()
    }

    public func request(_ id: ConnectionID, _ request: ClientRequest, now: Now) {
        core.receive(id, request, now: now)
        advance()
    }

    /// A four-letter word: its text, then the connection closes.
    public func fourLetterWord(_ id: ConnectionID, _ word: FourLetterWord, argument: Int64?, environment: ServerEnvironment,
                               now: Now) {
        outbox.sendText(id, core.fourLetterWord(word, argument: argument, environment: environment, now: now))
    }

    /// The shell closes a connection on its own account (a frame that does not decode).
    public func close(_ id: ConnectionID) {
        outbox.close(id)
    }

    // MARK: Time

    /// The session clock: expiries and container reaping (only a leader or a standalone server decides them).
    public func tick(now: Now) {
        core.tick(now: now)
        advance()
    }

    /// Consensus time: elections, pings, timeouts, and read-only mode after a while without a quorum.
    public func zabTick(now: Now) {
        core.advanceTime(to: now)
        guard let settings, peer != nil else { return }
        peer!.tick()
        if settings.readOnlyModeEnabled, core.role == .notServing, let since = notServingSince,
           peer!.now - since >= settings.readOnlyAfterTicks {
            effects.append(.log(OperatorEvent(.warning, "no quorum for \(peer!.now - since) ticks; serving read-only clients")))
            core.enterReadOnly()
        }
        advance()
    }

    // MARK: Storage

    /// Every append through `zxid` is on disk.
    public func persisted(through zxid: Int64, now: Now) {
        core.advanceTime(to: now)
        if peer != nil {
            peer!.persisted(through: Zxid(rawValue: zxid))
        } else {
            core.logged(through: zxid)
        }
        advance()
    }

    /// A snapshot of the tree at `zxid` is on disk: Zab keeps the log since its snapshot in memory to sync
    /// learners by DIFF, and a newer snapshot trims it.
    public func snapshotWritten(zxid: Int64, bytes: ByteBuffer) {
        guard peer != nil, zxid <= peer!.lastCommitted.rawValue else { return }
        peer!.compact(Snapshot(zxid: Zxid(rawValue: zxid), data: bytes))
        advance()
    }

    /// The rewrite asked for by `.rewrite` is done: this is the state rebuilt from disk.
    public func storageRewritten(nodes: [String: ZNode], lastProcessedZxid: Int64, sessions: [Int64: Int32], now: Now) {
        core.advanceTime(to: now)
        core.replaceState(nodes: nodes, lastProcessedZxid: lastProcessedZxid, sessions: sessions, now: now)
        if let peer { core.setEnsembleConfig(Self.configText(peer.config.membership), version: peer.config.configVersion, now: now) }
        rewriting = false
        advance()
    }

    // MARK: Status

    /// Whether this member serves as an observer in the active configuration.
    var isObserver: Bool { peer?.config.learnerType == .observer }

    /// Every other server this member may be connected to: the active configuration's and zoo.cfg's.
    var otherMembers: [Int64] {
        guard let settings else { return [] }
        return Set(settings.others).union(peer?.config.membership.members ?? []).subtracting([settings.myId]).sorted()
    }

    public var ensembleStatus: EnsembleStatus? {
        guard let settings, let peer else { return nil }
        var status = EnsembleStatus(peerState: peer.phaseDescription, quorumSize: peer.config.participants.count)
        status.confSection = settings.confSection + "membership: \n" + Self.configText(peer.config.membership) + "\n"
        status.myId = settings.myId
        status.leaderId = peer.leader
        status.lastZxid = peer.lastLogged.rawValue
        status.memberLines = Self.configText(peer.config.membership).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("server."), let eq = line.firstIndex(of: "="),
                  let id = Int64(line[line.index(line.startIndex, offsetBy: 7)..<eq]) else { return nil }
            return (id, String(line[line.index(after: eq)...]))
        }
        if let summary = peer.learnerSummary {
            status.learners = summary.learners
            status.syncedFollowers = summary.syncedFollowers
            status.syncedObservers = summary.syncedObservers
            let wallNow = core.latestTime.wallMillis
            let tickMillis = Int64(core.settings.tickTime)
            status.observers = summary.observers.map { observer in
                let counts = traffic[observer.id] ?? PeerTraffic()
                let host = status.memberLines.first { $0.id == observer.id }?.line.split(separator: ":").first.map(String.init) ?? ""
                return ObserverStatus(id: observer.id, address: "/" + host,
                                      establishedMillis: wallNow - Int64(peer.now - observer.connectedAtTick) * tickMillis,
                                      packetsReceived: counts.received, packetsSent: counts.sent, requests: counts.requests,
                                      lastZxid: observer.lastZxid)
            }
        }
        return status
    }
}

struct PeerTraffic {
    var received: Int64 = 0
    var sent: Int64 = 0
    var requests: Int64 = 0
}

struct LearnerSync {
    /// Apache's names for the three ways to bring a learner up to date.
    enum Mode: String { case diff = "DIFF", trunc = "TRUNC", snap = "SNAP" }
    var mode: Mode
    var from: Int64
    var snapshotBytes: Int
    var proposals = 0
}
