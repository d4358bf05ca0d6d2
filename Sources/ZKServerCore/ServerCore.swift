import DequeModule
import Logging
import ZKDataTree
import ZKMetrics
import ZKJute
import ZKProtocol
import ZKSecurity

/// The standalone server's logic: sessions, request processing and the tree, with all I/O behind
/// `ServerOutput` and all time passed in. Confined to one thread (the shell's event loop).
public final class ServerCore {
    public let settings: ServerSettings
    public let tree: DataTree
    public internal(set) var sessions: SessionTracker
    var preparer: RequestPreparer
    public internal(set) var connections: [ConnectionID: ConnectionState] = [:]
    /// Which connection currently carries each session.
    var sessionConnections: [Int64: ConnectionID] = [:]
    public internal(set) var stats = ServerStats()
    /// Apache's ServerMetrics, recorded as things happen; mntr, the AdminServer and Prometheus read them.
    public let metrics: ServerMetrics
    /// Whether the reply being sent answers a write (updatelatency) or a read (readlatency).
    var answeringUpdate = false
    /// ZooTrace's text trace mask (gtmk, stmk); Apache's default is 306 (0x132). zkserver keeps it for the
    /// four-letter words only: its logging does not trace requests.
    public internal(set) var traceMask: Int64 = 306
    /// Lines for the operator's log since the shell last took them (`takeOperatorEvents`).
    var operatorEvents: [OperatorEvent] = []
    let output: any ServerOutput
    /// Where transactions go to become durable before they are applied; nil = memory only, applied at once.
    public weak var logSink: (any TransactionLogSink)?
    var pendingTxns = Deque<PendingTxn>()
    /// Per connection, in arrival order: its writes not yet answered and the reads held behind them. A queue
    /// stays allocated while its connection lives, so a write costs no allocation here.
    var deferred: [ConnectionID: Deque<Deferred>] = [:]
    /// Connections in the order opened, with when each must have a session by: a socket that never
    /// finishes its handshake (or stops halfway through a frame) is closed then, as Apache's are.
    var awaitingHandshake = Deque<(id: ConnectionID, deadline: Int64)>()
    /// Connections not read for having more than `settings.outstandingLimit` requests outstanding.
    var throttled: Set<ConnectionID> = []
    /// SASL exchanges under way or done, per connection (one per connection, as Apache's).
    var saslExchanges: [ConnectionID: DigestMD5Server] = [:]
    /// zookeeper.connection_throttle_*: a token per new session request.
    public internal(set) var throttle: ConnectionThrottle
    /// Draws in [0, 1) for the throttle's random early drop; tests replace it.
    public var randomUnit: () -> Double = { Double.random(in: 0..<1) }
    /// Server nonces for DIGEST-MD5 challenges; tests replace it to replay recorded exchanges.
    public var nonceSource: () -> String = {
        var generator = SystemRandomNumberGenerator()
        return DigestMD5.makeNonce(using: &generator)
    }
    /// The time of the request being handled, for requests run later from a deferral queue.
    var lastNow: Now
    /// When the request being answered arrived (monotonic ms): its reply's latency is measured from here.
    var answeringSince: Int64 = 0
    var lastAssignedZxid: Int64
    var nextContainerCheck: Int64 = 0
    public let startedAt: Now
    /// The role and what only it keeps (`role` reads it); a role change replaces it whole.
    var roleState: RoleState = .standalone
    /// Where a learner sends its clients' writes; nil when standalone.
    public weak var replication: (any ReplicationChannel)?
    /// In an ensemble, what mntr and conf report about the peers: asked only when a four-letter word needs
    /// it, so the replication path does no bookkeeping for them.
    public var ensembleStatus: EnsembleStatus? { replication?.ensembleStatus }

    public init(settings: ServerSettings, tree: DataTree = DataTree(), output: any ServerOutput, now: Now,
                metrics: ServerMetrics = ServerMetrics()) {
        self.settings = settings
        self.metrics = metrics
        preparer = RequestPreparer(providers: settings.authProviders)
        throttle = ConnectionThrottle(settings.connectionThrottle, now: now.monotonicMillis)
        self.tree = tree
        self.output = output
        self.startedAt = now
        self.lastNow = now
        sessions = SessionTracker(serverId: settings.serverId, wallClockMillis: now.wallMillis)
        lastAssignedZxid = tree.lastProcessedZxid
        nextContainerCheck = now.monotonicMillis + settings.containerCheckIntervalMs
    }

    public var lastProcessedZxid: Int64 { tree.lastProcessedZxid }

    func log(_ level: Logger.Level, _ message: String) { operatorEvents.append(OperatorEvent(level, message)) }

    public func takeOperatorEvents() -> [OperatorEvent] {
        guard !operatorEvents.isEmpty else { return [] }
        defer { operatorEvents.removeAll(keepingCapacity: true) }
        return operatorEvents
    }

    func clientName(_ id: ConnectionID) -> String {
        connections[id].map { "/\($0.remoteHost):\($0.remotePort)" } ?? "connection \(id)"
    }

    /// A session read back from disk at start-up; it expires unless its client returns in time.
    public func restoreSession(_ id: Int64, timeout: Int32, now: Now) {
        sessions.add(id, timeout: timeout, now: now.monotonicMillis)
    }

    // MARK: - Connections

    public func connectionOpened(_ id: ConnectionID, remoteHost: String, remotePort: Int, now: Now) {
        connections[id] = ConnectionState(id: id, remoteHost: remoteHost, remotePort: remotePort, establishedWallMillis: now.wallMillis)
        awaitingHandshake.append((id, now.monotonicMillis + settings.sessionlessConnectionTimeoutMs))
    }

    /// The socket is gone: its watches go with it; its session lives on until it expires or is resumed.
    public func connectionClosed(_ id: ConnectionID) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        deferred[id] = nil
        saslExchanges[id] = nil
        throttled.remove(id)
        tree.watches.removeWatcher(id)
        if connection.sessionId != 0, sessionConnections[connection.sessionId] == id {
            sessionConnections[connection.sessionId] = nil
        }
    }

    func closeConnection(_ id: ConnectionID) {
        guard connections[id]?.closing == false else { return }
        connections[id]?.closing = true
        output.close(id)
    }

    // MARK: - Handshake

    public func receiveConnect(_ id: ConnectionID, _ request: ConnectRequest, now: Now) {
        guard var connection = connections[id], !connection.handshakeDone, role.isServing else { return closeConnection(id) }
        connection.packetsReceived += 1
        stats.packetsReceived += 1
        // Apache's BlueThrottle, before anything else about the request.
        guard throttle.admit(now: now.monotonicMillis, random: randomUnit()) else {
            connections[id] = connection
            metrics.connectionRejected.increment()
            return closeConnection(id)
        }
        metrics.connectionTokenDeficit.record(throttle.deficit)
        metrics.connectionRequestCount.increment()
        if request.sessionId != 0 { metrics.connectionRevalidateCount.increment() }
        let mirrorsReadOnly = request.readOnly != nil
        if role == .readOnly {
            connections[id] = connection
            return connectReadOnly(id, request, now: now)
        }
        // A client that has seen a newer state than ours must find another server.
        if request.lastZxidSeen > tree.lastProcessedZxid {
            connections[id] = connection
            log(.info, "Refusing session request for client \(clientName(id)) as it has seen zxid \(request.lastZxidSeen.hexForLog) "
                + "our last zxid is \(tree.lastProcessedZxid.hexForLog) client must try another server")
            return closeConnection(id)
        }
        let timeout = settings.negotiate(request.timeOut)
        let sessionId: Int64
        if request.sessionId == 0 {
            sessionId = sessions.allocateId()
            sessions.add(sessionId, timeout: timeout, now: now.monotonicMillis)
        } else {
            sessionId = request.sessionId
            guard request.passwd == SessionPassword.generate(for: sessionId), sessions.isLive(sessionId) else {
                connections[id] = connection
                log(.info, "Invalid session \(sessionId.hexForLog) for client \(clientName(id)), probably expired")
                send(id, connectResponse: .expired(readOnlyField: mirrorsReadOnly))
                return closeConnection(id)
            }
            if let previous = sessionConnections[sessionId], previous != id {
                // The client moved; the old socket is stale.
                tree.watches.removeWatcher(previous)
                closeConnection(previous)
            }
            sessions.updateTimeout(sessionId, timeout: timeout, now: now.monotonicMillis)
        }
        let response = establish(id, connection, sessionId: sessionId, timeout: timeout, readOnly: mirrorsReadOnly ? false : nil)
        guard let connection = connections[id] else { return }
        if request.sessionId == 0 && role.isLearner {
            // The leader tracks every session: it creates this one, and the client hears of it on commit.
            forward(id, ClientRequest(xid: 0, op: .createSession, body: .unknown), connection: connection, sessionTimeout: timeout,
                    origin: .connect(id, response))
        } else if request.sessionId == 0 {
            leaderState?.sessionOwners[sessionId] = settings.serverId
            // A new session is a transaction; the client hears of it once it is durable.
            propose(.createSession(timeout: timeout), sessionId: sessionId, cxid: 0, zxid: nextZxid(), now: now, origin: .connect(id, response))
        } else {
            if role.isLearner, let replication {
                // As Apache's Learner.validateSession: the client hears back once the leader knows the session
                // lives here, so a write through its old connection elsewhere is refused from then on.
                learnerState?.touchedSessions.insert(sessionId)
                learnerState?.pendingRevalidations[sessionId] = (id, response)
                replication.sessionMovedHere(sessionId, timeout: timeout)
                return
            } else {
                leaderState?.sessionOwners[sessionId] = settings.serverId
            }
            send(id, connectResponse: response)
        }
    }

    /// Read-only mode: only clients that asked for it, with sessions of this server's own (not replicated).
    private func connectReadOnly(_ id: ConnectionID, _ request: ConnectRequest, now: Now) {
        guard let connection = connections[id], request.readOnly == true else { return closeConnection(id) }
        if request.lastZxidSeen > tree.lastProcessedZxid { return closeConnection(id) }
        let timeout = settings.negotiate(request.timeOut)
        var sessionId = request.sessionId
        if sessionId == 0 {
            sessionId = sessions.allocateId()
        } else if request.passwd != SessionPassword.generate(for: sessionId) {
            send(id, connectResponse: .expired(readOnlyField: true))
            return closeConnection(id)
        }
        sessions.add(sessionId, timeout: timeout, now: now.monotonicMillis)
        send(id, connectResponse: establish(id, connection, sessionId: sessionId, timeout: timeout, readOnly: true))
    }

    /// Binds the connection to its session; returns the response the client gets when it may proceed.
    private func establish(_ id: ConnectionID, _ connection: ConnectionState, sessionId: Int64, timeout: Int32,
                           readOnly: Bool?) -> ConnectResponse {
        var connection = connection
        connection.sessionId = sessionId
        connection.sessionTimeout = timeout
        connection.handshakeDone = true
        connections[id] = connection
        sessionConnections[sessionId] = id
        return ConnectResponse(timeOut: timeout, sessionId: sessionId, passwd: SessionPassword.generate(for: sessionId), readOnly: readOnly)
    }

    func send(_ id: ConnectionID, connectResponse: ConnectResponse) {
        connections[id]?.packetsSent += 1
        stats.packetsSent += 1
        output.sendConnectResponse(id, connectResponse)
    }

    func prepareContext(_ connection: ConnectionState, zxid: Int64, now: Now) -> RequestPreparer.Context {
        RequestPreparer.Context(sessionId: connection.sessionId, authIds: connection.authIds, zxid: zxid, time: now.wallMillis,
                                extendedTypesEnabled: settings.extendedTypesEnabled,
                                sessionIsLive: sessions.isLive(connection.sessionId))
    }

    // MARK: - Time

    /// Expires sessions and reaps containers and TTL nodes whose time has come.
    public func tick(now: Now) {
        lastNow = now
        closeSessionlessConnections(now: now)
        // Only the leader (or a standalone server) ends sessions and reaps nodes; learners apply its decisions.
        guard role == .standalone || { if case .leader = role { return true } else { return false } }() else { return }
        for sessionId in sessions.expired(now: now.monotonicMillis) {
            metrics.staleSessionsExpired.increment()
            log(.info, "Expiring session \(sessionId.hexForLog), timeout of \(sessions.sessions[sessionId]?.timeout ?? 0)ms exceeded")
            closeSession(sessionId, now: now, origin: .expire(sessionId))
        }
        if settings.containerCheckIntervalMs > 0, now.monotonicMillis >= nextContainerCheck {
            nextContainerCheck = now.monotonicMillis + settings.containerCheckIntervalMs
            reapContainers(now: now)
        }
    }

    /// Every member closes its own sessionless connections, whatever its role. Apache logs nothing for these.
    func closeSessionlessConnections(now: Now) {
        while let first = awaitingHandshake.first, first.deadline <= now.monotonicMillis {
            awaitingHandshake.removeFirst()
            if let connection = connections[first.id], !connection.handshakeDone {
                metrics.sessionlessConnectionsExpired.increment()
                closeConnection(first.id)
            }
        }
    }

    /// Ends a session: its ephemerals go in one closeSession transaction. `origin` says who hears of it.
    func closeSession(_ sessionId: Int64, cxid: Int32 = 0, now: Now, origin: TxnOrigin) {
        sessions.setClosing(sessionId)
        let zxid = nextZxid()
        let context = RequestPreparer.Context(sessionId: sessionId, authIds: [], zxid: zxid, time: now.wallMillis,
                                              extendedTypesEnabled: settings.extendedTypesEnabled, sessionIsLive: false)
        let body = preparer.prepareCloseSession(sessionId, context: context, tree: tree)
        propose(body, sessionId: sessionId, cxid: cxid, zxid: zxid, now: now, origin: origin)
    }

    /// ContainerManager: empty containers that once had children, and TTL nodes untouched for their TTL.
    public func reapContainers(now: Now) {
        var candidates: [String] = []
        for path in tree.containers {
            guard let node = tree.node(path), node.children.isEmpty else { continue }
            if node.stat.cversion > 0 {
                candidates.append(path)
            } else if settings.containerMaxNeverUsedIntervalMs > 0, now.wallMillis - node.stat.mtime > settings.containerMaxNeverUsedIntervalMs {
                candidates.append(path)
            }
        }
        for path in tree.ttlNodes {
            guard let node = tree.node(path), node.children.isEmpty,
                  case .ttl(let ttl) = tree.ephemeralKind(of: node), ttl != 0, now.wallMillis - node.stat.mtime > ttl else { continue }
            candidates.append(path)
        }
        for path in candidates.sorted() {
            propose(.deleteContainer(DeleteTxn(path: path)), sessionId: 0, cxid: 0, zxid: nextZxid(), now: now, origin: .none)
        }
    }
}

/// Delivers triggered watch events straight to the connections' output.
struct OutputWatchSink: WatchSink {
    let output: any ServerOutput
    let metrics: ServerMetrics
    mutating func deliver(_ event: WatcherEvent, to watcher: WatcherID) {
        output.sendEvent(watcher, event)
    }

    mutating func fired(_ type: EventType, watchers: Int) {
        switch type {
        case .nodeCreated: metrics.nodeCreatedWatchCount.record(watchers)
        case .nodeDeleted: metrics.nodeDeletedWatchCount.record(watchers)
        case .nodeDataChanged: metrics.nodeChangedWatchCount.record(watchers)
        case .nodeChildrenChanged: metrics.nodeChildrenWatchCount.record(watchers)
        default: break
        }
    }
}
