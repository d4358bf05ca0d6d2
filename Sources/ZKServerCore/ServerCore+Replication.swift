import DequeModule
import ZKDataTree
import ZKJute
import ZKProtocol

/// What the core needs from replication: a learner hands its clients' writes to the leader; the leader tells
/// a learner when a sync it forwarded is answered.
public protocol ReplicationChannel: AnyObject {
    func forwardToLeader(_ request: ForwardedRequest)
    /// Leader: every transaction proposed before `peer`'s sync request is committed (Apache's SYNC packet).
    func syncAnswered(_ request: ForwardedRequest, to peer: Int64)
    /// Learner: a client resumed this session here; the leader must route its writes here from now on
    /// (Apache's REVALIDATE).
    func sessionMovedHere(_ sessionId: Int64, timeout: Int32)
    /// Leader: the zxid consensus gives the next proposal, the one source of zxids in an ensemble (nil: none
    /// left in this epoch, or not broadcasting; the core then counts on and the proposal ends the epoch).
    var nextProposalZxid: Int64? { get }
    /// What mntr and conf report about the ensemble.
    var ensembleStatus: EnsembleStatus? { get }
    /// Leader: what a reconfiguration is checked against (nil: this server cannot reconfigure).
    var reconfigState: ReconfigState? { get }
}

extension ReplicationChannel {
    public var nextProposalZxid: Int64? { nil }
    public var ensembleStatus: EnsembleStatus? { nil }
    public var reconfigState: ReconfigState? { nil }
}

/// How this server takes part: alone, or as one member of an ensemble.
public enum ServingRole: Sendable, Equatable, CustomStringConvertible {
    case standalone
    /// Leads `epoch`: prepares every write and proposes it.
    case leader(epoch: Int64)
    /// Synced with a leader: forwards writes, applies what the leader commits, serves reads.
    case follower
    case observer
    /// Electing or syncing: client connections are refused.
    case notServing
    /// Cut off from a quorum with readonlymode.enabled: clients that ask for read-only sessions may read;
    /// every write answers NotReadOnly (Apache's ReadOnlyZooKeeperServer).
    case readOnly

    public var description: String {
        switch self {
        case .standalone: return "standalone"
        case .leader: return "leader"
        case .follower: return "follower"
        case .observer: return "observer"
        case .notServing: return "not serving"
        case .readOnly: return "read-only"
        }
    }

    public var isLearner: Bool { self == .follower || self == .observer }
    /// Accepts client connections (in read-only mode, only read-only ones).
    public var isServing: Bool { self != .notServing }
}

/// A learner's request waiting for the leader's commit (keyed by session and cxid).
struct ForwardedKey: Hashable {
    var sessionId: Int64
    var cxid: Int32
}

extension ServerCore {
    /// Starts leading `epoch`: zxids continue at (epoch, 1), and every known session gets a fresh deadline,
    /// since the learners' reports of activity went to the previous leader (Apache does the same).
    public func becomeLeader(epoch: Int64, now: Now) {
        leaveReadOnly()
        roleState = .leader(epoch: epoch, LeaderState(since: now))
        lastAssignedZxid = max(lastAssignedZxid, epoch << 32)
        for id in sessions.sessions.keys { sessions.touch(id, now: now.monotonicMillis) }
    }

    public func becomeLearner(observer: Bool) {
        leaveReadOnly()
        roleState = .learner(observer: observer, LearnerState())
    }

    /// Election or sync under way: clients go elsewhere until this server serves again, and requests in
    /// flight are answered by nobody (the clients reconnect and see the outcome in the tree).
    public func stopServing() {
        roleState = .notServing
        for id in connections.keys.sorted() { closeConnection(id) }
        // Proposals of an ended leadership are either committed by the next leader (and arrive as commits
        // like any other) or dropped; nobody here waits for them any more.
        pendingTxns = []
        deferred = [:]
        // Changes prepared against proposals that will never commit must not shape the next leadership's
        // answers (a create that never happened would answer NodeExists).
        preparer = RequestPreparer(providers: settings.authProviders)
    }

    /// No quorum for a while and readonlymode.enabled: serve read-only clients from the tree as it is.
    public func enterReadOnly() {
        guard role == .notServing else { return }
        roleState = .readOnly
    }

    /// The read-only server goes away with its clients, whose sessions the ensemble never knew (Apache
    /// shuts its ReadOnlyZooKeeperServer down the same way); they reconnect to the new read-write server.
    private func leaveReadOnly() {
        guard role == .readOnly else { return }
        for id in connections.keys.sorted() { closeConnection(id) }
    }

    /// Learner: a client's write goes to the leader; the reply waits for its commit.
    func forward(_ id: ConnectionID, _ request: ClientRequest, connection: ConnectionState, sessionTimeout: Int32? = nil,
                 origin: TxnOrigin) {
        let forwarded = ForwardedRequest(sessionId: connection.sessionId, request: request, sessionTimeout: sessionTimeout,
                                         authIds: connection.authIds)
        let key = ForwardedKey(sessionId: connection.sessionId, cxid: request.xid)
        learnerState?.forwardedOrigins[key] = origin
        // Later reads of this connection wait behind the reply (a new session has no reads yet).
        if case .sync(let sync) = request.body {
            learnerState?.forwardedSyncs.append((key, sync.path))
            deferred[id, default: []].append(.sync(since: lastNow.monotonicMillis))
        } else if case .connect = origin {} else {
            deferred[id, default: []].append(.write(since: lastNow.monotonicMillis))
        }
        replication?.forwardToLeader(forwarded)
    }

    /// Leader: a learner's client request, prepared as if it had arrived here. The learner answers the
    /// client when the transaction commits; here nobody waits for it.
    public func receiveForwarded(_ forwarded: ForwardedRequest, from peer: Int64, now: Now) {
        guard case .leader = role else { return }
        lastNow = now
        let sessionId = forwarded.sessionId
        let op = forwarded.request.opCode
        switch op {
        case .createSession?:
            let timeout = forwarded.sessionTimeout ?? settings.minSessionTimeout
            sessions.add(sessionId, timeout: timeout, now: now.monotonicMillis)
            leaderState?.sessionOwners[sessionId] = peer
            propose(.createSession(timeout: timeout), sessionId: sessionId, cxid: forwarded.cxid, zxid: nextZxid(), now: now,
                    origin: .none)
        case .closeSession?:
            closeSession(sessionId, cxid: forwarded.cxid, now: now, origin: .none)
        case .sync?:
            // Answered once everything proposed before it is committed (Leader.processSync).
            if let last = pendingTxns.last {
                leaderState?.pendingSyncs[last.txn.zxid, default: []].append((peer, forwarded))
            } else {
                replication?.syncAnswered(forwarded, to: peer)
            }
        default:
            sessions.touch(sessionId, now: now.monotonicMillis)
            let zxid = nextZxid()
            let context = RequestPreparer.Context(sessionId: sessionId, authIds: forwarded.authIds, zxid: zxid, time: now.wallMillis,
                                                  extendedTypesEnabled: settings.extendedTypesEnabled,
                                                  sessionIsLive: sessions.isLive(sessionId))
            // A write from a member the session has left (Apache's checkSession owner test) is refused before it
            // is prepared: preparing records the change it would make, which later writes would then see.
            let body = sessionMoved(sessionId, from: peer) ? .error(.sessionMoved)
                : prepare(forwarded.request.body, op: op ?? .error, context: context)
            propose(body, sessionId: sessionId, cxid: forwarded.cxid, zxid: zxid, now: now, origin: .none)
        }
    }

    /// Leader: a client resumed `sessionId` on `peer`; writes for it from anywhere else are refused.
    public func sessionRevalidated(_ sessionId: Int64, timeout: Int32, from peer: Int64, now: Now) {
        guard let leader = leaderState, sessions.isLive(sessionId) else { return }
        leader.sessionOwners[sessionId] = peer
        sessions.touch(sessionId, now: now.monotonicMillis)
    }

    /// Learner: the leader's answer to a resumed session's REVALIDATE.
    public func revalidated(_ sessionId: Int64, valid: Bool) {
        guard let (id, response) = learnerState?.pendingRevalidations.removeValue(forKey: sessionId), connections[id] != nil else {
            return
        }
        if valid {
            send(id, connectResponse: response)
        } else {
            send(id, connectResponse: .expired(readOnlyField: response.readOnly != nil))
            closeConnection(id)
        }
    }

    /// Whether the leader knows `sessionId` to live on a member other than `member`.
    func sessionMoved(_ sessionId: Int64, from member: Int64) -> Bool {
        guard let owner = leaderState?.sessionOwners[sessionId] else { return false }
        return owner != member
    }

    /// Leader: learners report the sessions their clients kept alive.
    public func touchSessions(_ ids: [Int64], now: Now) {
        for id in ids { sessions.touch(id, now: now.monotonicMillis) }
    }

    /// The sessions this server's clients used since the last report (a learner sends them to the leader).
    public func takeTouchedSessions() -> [Int64] {
        guard let state = learnerState else { return [] }
        defer { state.touchedSessions = [] }
        return state.touchedSessions.sorted()
    }

    /// A transaction the ensemble committed, in zxid order. On the leader it is the next of its own
    /// proposals; on a learner, the reply goes to the local client whose request it was, if any.
    public func committed(_ txn: Transaction) {
        if committedOwnProposal(txn.zxid) { return }
        let key = ForwardedKey(sessionId: txn.header.clientId, cxid: txn.header.cxid)
        let origin = learnerState?.forwardedOrigins.removeValue(forKey: key) ?? .none
        switch txn.body {
        case .createSession(let timeout):
            if !sessions.isLive(txn.header.clientId) { sessions.add(txn.header.clientId, timeout: timeout, now: lastNow.monotonicMillis) }
        default:
            break
        }
        lastAssignedZxid = max(lastAssignedZxid, txn.zxid)
        applyCommitted(txn, origin: origin)
    }

    /// Leader: its own proposal `zxid` committed, applied from the transaction it prepared (nothing is
    /// decoded). false when `zxid` is not the oldest of its proposals.
    public func committedOwnProposal(_ zxid: Int64) -> Bool {
        guard let first = pendingTxns.first, first.txn.zxid == zxid else { return false }
        pendingTxns.removeFirst()
        applyCommitted(first.txn, origin: first.origin)
        if let syncs = leaderState?.pendingSyncs.removeValue(forKey: zxid) {
            for (peer, request) in syncs { replication?.syncAnswered(request, to: peer) }
        }
        return true
    }

    /// Learner: the leader answered the oldest sync this learner forwarded (its SYNC packet names none); the
    /// client hears "OK" after everything before it.
    public func forwardedSyncAnswered() {
        guard let state = learnerState, let (key, path) = state.forwardedSyncs.popFirst(),
              case .reply(let id, let xid, _, _)? = state.forwardedOrigins.removeValue(forKey: key) else { return }
        finished(id, .sync(xid: xid, path: path))
    }
}

extension ServerCore {
    /// The replicated state was replaced (a snapshot from the leader, or a rebuild after TRUNC): the tree is
    /// loaded and the session table becomes the one that goes with it. No client is connected meanwhile.
    public func replaceState(nodes: [String: ZNode], lastProcessedZxid: Int64, sessions restored: [Int64: Int32], now: Now) {
        tree.load(nodes: nodes, lastProcessedZxid: lastProcessedZxid)
        lastAssignedZxid = lastProcessedZxid
        for id in sessions.sessions.keys { sessions.remove(id) }
        for (id, timeout) in restored.sorted(by: { $0.key < $1.key }) { sessions.add(id, timeout: timeout, now: now.monotonicMillis) }
        pendingTxns = []
        learnerState?.forwardedOrigins = [:]
        learnerState?.forwardedSyncs = []
        leaderState?.pendingSyncs = [:]
    }

    /// /zookeeper/config in an ensemble holds the active membership. Every member sets it at start, as
    /// Apache's ZKDatabase.initConfigInZKDatabase does, with the config's version as mzxid; a reconfig
    /// transaction then changes it like a setData (and a learner that adopts its leader's configuration sets
    /// it again). Unchanged text leaves the node and its watchers alone.
    public func setEnsembleConfig(_ text: String, version: Int64, now: Now) {
        let data = Array(text.utf8)
        guard tree.node(DataTree.configPath)?.data != data else { return }
        var sink = OutputWatchSink(output: output, metrics: metrics)
        tree.setConfigData(data, zxid: version, time: now.wallMillis, sink: &sink)
    }

    /// The session timeouts, for a learner's ping to the leader.
    public func sessionTimeout(_ id: Int64) -> Int32? { sessions.sessions[id]?.timeout }
}

/// What an ensemble member reports in mntr, refreshed by the replication layer.
public struct EnsembleStatus: Sendable {
    /// Apache's zk_peer_state: "leading - broadcast", "following - synchronization"…
    public var peerState: String
    public var quorumSize: Int
    public var learners = 0
    public var syncedFollowers = 0
    public var syncedObservers = 0
    /// What conf adds for a member: initLimit … peerType, then `membership:` and QuorumVerifier's text.
    public var confSection = ""
    /// For the AdminServer's leader, voting_view and zabstate.
    public var myId: Int64 = 0
    public var leaderId: Int64?
    /// The `server.N=` lines of the configuration, by id: host:quorumPort:electionPort[:type][;client].
    public var memberLines: [(id: Int64, line: String)] = []
    public var lastZxid: Int64 = 0
    /// A leader's connected observers (the AdminServer's observers command).
    public var observers: [ObserverStatus] = []

    public init(peerState: String, quorumSize: Int) { self.peerState = peerState; self.quorumSize = quorumSize }
}

/// One observer as a leader sees it; Apache's LearnerHandler info.
public struct ObserverStatus: Sendable {
    public var id: Int64
    public var address: String
    public var establishedMillis: Int64
    public var packetsReceived: Int64
    public var packetsSent: Int64
    public var requests: Int64
    public var lastZxid: Int64

    public init(id: Int64, address: String, establishedMillis: Int64, packetsReceived: Int64, packetsSent: Int64,
                requests: Int64, lastZxid: Int64) {
        self.id = id; self.address = address; self.establishedMillis = establishedMillis
        self.packetsReceived = packetsReceived; self.packetsSent = packetsSent; self.requests = requests; self.lastZxid = lastZxid
    }
}
