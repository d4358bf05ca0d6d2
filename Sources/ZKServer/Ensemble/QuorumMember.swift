import DequeModule
import NIOConcurrencyHelpers
import NIOCore
import ZKDataTree
import ZKProtocol
import ZKServerCore
import ZKStorage
import ZKZab

/// One member of an ensemble: the Zab peer, the server core and the transaction log, joined on the server's
/// event loop. It carries out the peer's `Ready` in the documented order (storage, then messages, then
/// commits), turns the peer's role changes into the core's, and carries the packets consensus does not model
/// (forwarded requests, sync answers, session pings).
final class QuorumMember: PeerNetworkDelegate, ReplicationChannel, TransactionLogSink, @unchecked Sendable {
    let settings: EnsembleSettings
    let config: ZooConfig
    let core: ServerCore
    let log: DurableLog
    let network: PeerNetwork
    let eventLoop: any EventLoop
    private(set) var peer: ZabPeer
    /// The Ready being carried out, and how far (a truncate or snapshot install waits for the log thread).
    private var current: Ready?
    private var storageIndex = 0
    private var waitingForStorage = false
    private var driving = false
    /// Learner: syncs forwarded to the leader, answered in order by its SYNC packets.
    private var forwardedSyncs = Deque<ForwardedRequest>()
    var afterDrive: () -> Void = {}

    init(settings: EnsembleSettings, config: ZooConfig, core: ServerCore, log: DurableLog, network: PeerNetwork,
         eventLoop: any EventLoop, peer startingPeer: ZabPeer) {
        self.settings = settings
        self.config = config
        self.core = core
        self.log = log
        self.network = network
        self.eventLoop = eventLoop
        peer = startingPeer
        core.stopServing()
        notServingSince = peer.now
        core.setEnsembleConfig(settings.configText, now: SystemClock.now())
        core.replication = self
        core.logSink = self
        log.onDurable = { [unowned self] zxid in
            peer.persisted(through: Zxid(rawValue: zxid))
            drive()
        }
        log.onSnapshot = { [unowned self] zxid, bytes in
            // Zab keeps the log since its snapshot in memory, to sync followers by DIFF; a newer snapshot trims it.
            guard zxid <= peer.lastCommitted.rawValue else { return }
            peer.compact(Snapshot(zxid: Zxid(rawValue: zxid), data: bytes))
            drive()
        }
        network.delegate = self
        core.ensembleStatusProvider = { [unowned self] in currentStatus() }
    }

    /// The Zab peer as recovery left it, and what loading the epoch files did. Disk state a peer cannot start
    /// from is an error that names the files, never a trap.
    static func recoveredPeer(settings: EnsembleSettings, dataDir: String, recovered: Recovery.State) throws
        -> (peer: ZabPeer, notes: [String]) {
        let directory = Self.epochDirectory(dataDir)
        let lastZxid = max(recovered.tree.lastProcessedZxid, recovered.logTail.last?.zxid ?? 0)
        let epochs = try EpochFile.load(directory: directory, legacyDirectory: dataDir, lastZxid: lastZxid)
        var snapshot: Snapshot?
        if let path = recovered.snapshotPath {
            snapshot = Snapshot(zxid: Zxid(rawValue: recovered.snapshotZxid), data: try FileSystem.readFile(path))
        }
        let entries = recovered.logTail.map { LogEntry(zxid: Zxid(rawValue: $0.zxid), payload: $0.serialized()) }
        // A server that crashed between its two epoch files can hold currentEpoch > acceptedEpoch; the larger
        // promise is the one kept.
        let state = PersistentState(acceptedEpoch: max(epochs.accepted, epochs.current), currentEpoch: epochs.current,
                                    snapshot: snapshot, log: entries)
        do {
            return (try ZabPeer(config: settings.zab, state: state), epochs.notes)
        } catch {
            throw Recovery.Failure(file: "\(directory)/\(EpochFile.accepted), \(EpochFile.current) and the logs in \(directory)",
                                   reason: "\(error)")
        }
    }

    /// Where Apache keeps acceptedEpoch and currentEpoch: FileTxnSnapLog's snapshot directory.
    static func epochDirectory(_ dataDir: String) -> String { dataDir + "/version-2" }

    // MARK: Inputs

    /// The Zab tick at which this member lost its quorum: read-only mode starts on ticks, not the wall clock.
    private var notServingSince: Int?

    func tick() {
        peer.tick()
        network.tick()
        if config.readOnlyModeEnabled, core.role == .notServing, let since = notServingSince,
           peer.now - since >= settings.readOnlyAfterTicks {
            FileDescriptorOutput.standardError("zkserver: no quorum; serving read-only clients\n")
            core.enterReadOnly()
        }
        drive()
    }

    func peerNetwork(received message: PeerMessage, from sender: Int64) {
        switch message {
        case .zab(let zab):
            peer.step(zab, from: sender)
        case .request(let forwarded):
            core.receiveForwarded(forwarded, from: sender, now: SystemClock.now())
        case .syncAnswered:
            guard !forwardedSyncs.isEmpty else { break }
            let answered = forwardedSyncs.removeFirst()
            if case .sync(let request) = answered.request.body {
                core.syncAnswered(sessionId: answered.sessionId, cxid: answered.cxid, path: request.path)
            }
        case .revalidate(let request):
            core.sessionRevalidated(request.sessionId, timeout: request.timeout, from: sender, now: SystemClock.now())
            network.send(.revalidated(RevalidateReply(sessionId: request.sessionId, valid: core.sessions.isLive(request.sessionId))),
                         to: sender)
        case .revalidated(let reply):
            core.revalidated(reply.sessionId, valid: reply.valid)
        case .learnerPing(let zxid, let sessions):
            core.touchSessions(sessions.map(\.sessionId), now: SystemClock.now())
            peer.step(.ping(zxid), from: sender)
        }
        drive()
    }

    func peerNetwork(lostLearnerConnection sender: Int64) {
        peer.disconnected(sender)
        drive()
    }

    // MARK: ReplicationChannel, TransactionLogSink

    func forwardToLeader(_ request: ForwardedRequest) {
        guard let leader = peer.leader, leader != settings.myId else { return }
        if request.request.opCode == .sync { forwardedSyncs.append(request) }
        network.send(.request(request), to: leader)
    }

    func syncAnswered(_ request: ForwardedRequest, to learner: Int64) {
        network.send(.syncAnswered, to: learner)
    }

    var nextProposalZxid: Int64? { peer.nextProposalZxid?.rawValue }

    func sessionMovedHere(_ sessionId: Int64, timeout: Int32) {
        guard let leader = peer.leader, leader != settings.myId else { return }
        network.send(.revalidate(RevalidateRequest(sessionId: sessionId, timeout: timeout)), to: leader)
    }

    /// The leader's core proposes a transaction it prepared; Zab gives it the same zxid.
    func append(_ txn: Transaction, serialized: ByteBuffer) {
        do {
            switch try peer.propose(serialized) {
            case .proposed(let zxid):
                assert(zxid.rawValue == txn.zxid, "the core prepared with nextProposalZxid, Zab's own")
            case .forwarded:
                preconditionFailure("only a leader's core proposes")
            }
        } catch {
            // The epoch's counter ran out (or leadership just ended): the leader steps down, the clients
            // waiting for this write lose their connection and retry with the next leader.
            core.stopServing()
        }
        scheduleDrive()
    }

    // MARK: Carrying out Ready

    private var driveScheduled = false

    /// Drives after the current event, so a proposal made inside the core's request handling is not
    /// carried out re-entrantly.
    private func scheduleDrive() {
        guard !driveScheduled else { return }
        driveScheduled = true
        eventLoop.execute { [self] in
            driveScheduled = false
            drive()
        }
    }

    func drive() {
        guard !driving else { return }
        driving = true
        defer { driving = false }
        while !waitingForStorage {
            if current == nil {
                guard peer.hasReady else { break }
                current = peer.takeReady()
                storageIndex = 0
            }
            guard let ready = current else { break }
            if !runStorage(ready) { break }
            for outgoing in ready.messages { send(outgoing) }
            for entry in ready.committed { apply(entry) }
            for event in ready.events { handle(event) }
            current = nil
        }
        log.commitIfNeeded()
        network.flush()
        afterDrive()
    }

    /// Runs the storage ops from `storageIndex`; false when one must finish on the log thread first.
    private func runStorage(_ ready: Ready) -> Bool {
        while storageIndex < ready.storage.count {
            let op = ready.storage[storageIndex]
            storageIndex += 1
            do {
                switch op {
                case .append(let entry):
                    log.append(serialized: entry.payload, zxid: entry.zxid.rawValue)
                case .setAcceptedEpoch(let epoch):
                    try EpochFile.write(Self.epochDirectory(config.dataDir), EpochFile.accepted, epoch)
                case .setCurrentEpoch(let epoch):
                    try EpochFile.write(Self.epochDirectory(config.dataDir), EpochFile.current, epoch)
                case .truncate(let zxid):
                    rewriteStorage(truncateAfter: zxid.rawValue, snapshot: nil)
                    return false
                case .installSnapshot(let snapshot):
                    rewriteStorage(truncateAfter: nil, snapshot: snapshot)
                    return false
                }
            } catch {
                // Zab's promises rest on these writes; without them this server must not take part.
                fatalError("zkserver: cannot write to \(config.dataDir): \(error)")
            }
        }
        return true
    }

    /// TRUNC or SNAP: on the log thread, after every earlier write, drop the history that goes and put the
    /// new base in place; then rebuild the tree from disk (TRUNC) or the snapshot (SNAP).
    private func rewriteStorage(truncateAfter zxid: Int64?, snapshot: Snapshot?) {
        waitingForStorage = true
        let dataDir = config.dataDir + "/version-2", logDir = config.dataLogDir + "/version-2"
        let extended = config.extendedTypesEnabled
        log.exclusive { writer in
            try writer.roll()
            if let snapshot {
                // Everything before goes: a snapshot from the leader replaces this server's history.
                _ = try LogTruncation.truncate(logDirectory: logDir, snapshotDirectory: dataDir, after: -1)
                try FileSystem.writeFileAtomically(dataDir + "/" + SnapshotFormat.fileName(zxid: snapshot.zxid.rawValue),
                                                   directory: dataDir, snapshot.data)
            } else if let zxid {
                _ = try LogTruncation.truncate(logDirectory: logDir, snapshotDirectory: dataDir, after: zxid)
            }
            return try UncheckedBox(Recovery.recover(snapshotDirectory: dataDir, logDirectory: logDir, extendedTypesEnabled: extended))
        } completion: { [self] result in
            switch result {
            case .success(let box):
                let state = box.value
                core.replaceState(nodes: state.tree.nodes, lastProcessedZxid: state.tree.lastProcessedZxid, sessions: state.sessions,
                                  now: SystemClock.now())
                core.setEnsembleConfig(settings.configText, now: SystemClock.now())
            case .failure(let error):
                fatalError("zkserver: cannot rewrite the log in \(logDir): \(error)")
            }
            waitingForStorage = false
            drive()
        }
    }

    private lazy var confSection: String = {
        let me = settings.me
        return """
            initLimit=\(config.initLimit)
            syncLimit=\(config.syncLimit)
            electionAlg=3
            electionPort=\(me.electionPort)
            quorumPort=\(me.quorumPort)
            peerType=\(settings.isObserver ? 1 : 0)
            membership: \n\(settings.configText)

            """
    }()

    private func currentStatus() -> EnsembleStatus {
        var status = EnsembleStatus(peerState: peer.phaseDescription, quorumSize: settings.zab.participants.count)
        status.confSection = confSection
        if let since = core.leaderSince { status.leaderUptimeMillis = SystemClock.now().monotonicMillis - since.monotonicMillis }
        if let summary = peer.learnerSummary {
            status.learners = summary.learners
            status.syncedFollowers = summary.syncedFollowers
            status.syncedObservers = summary.syncedObservers
        }
        return status
    }

    private func send(_ outgoing: Outgoing) {
        // A learner's ping carries the sessions its clients kept alive (Apache's Learner.ping).
        if case .ping(let zxid) = outgoing.message, outgoing.to == peer.leader, peer.leader != settings.myId {
            let touches = core.takeTouchedSessions().compactMap { id in
                core.sessionTimeout(id).map { SessionTouch(sessionId: id, timeout: $0) }
            }
            network.send(.learnerPing(zxid, touches), to: outgoing.to)
            return
        }
        network.send(.zab(outgoing.message), to: outgoing.to)
    }

    private func apply(_ entry: LogEntry) {
        // Recovery already applied what this server had logged; Zab hands those out again once synced.
        guard entry.zxid.rawValue > core.lastProcessedZxid else { return }
        do {
            core.committed(try TxnPayload.decode(entry.payload))
        } catch {
            fatalError("zkserver: undecodable committed transaction \(entry.zxid): \(error)")
        }
    }

    private func handle(_ event: ZabEvent) {
        // Role changes are rare and are what an operator needs to follow an ensemble (Apache logs them too).
        FileDescriptorOutput.standardError("zkserver: \(event) (zxid 0x\(String(peer.lastLogged.rawValue, radix: 16)))\n")
        switch event {
        case .leading(let epoch):
            notServingSince = nil
            core.becomeLeader(epoch: epoch, now: SystemClock.now())
        case .following:
            notServingSince = nil
            forwardedSyncs = []
            core.becomeLearner(observer: settings.isObserver)
        case .stateChanged(.looking), .stopped:
            forwardedSyncs = []
            if core.role != .readOnly {
                core.stopServing()
                notServingSince = notServingSince ?? peer.now
            }
            for id in settings.members.keys where id != settings.myId { network.closeLearnerConnection(id) }
        case .stateChanged:
            break
        }
    }
}

/// Carries a value that is handed from the log thread to the event loop and used only there.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
