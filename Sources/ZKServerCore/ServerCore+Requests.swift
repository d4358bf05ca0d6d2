import DequeModule
import ZKDataTree
import ZKJute
import ZKProtocol

extension ServerCore {
    /// One request of an established session, answered in order.
    public func receive(_ id: ConnectionID, _ request: ClientRequest, now: Now) {
        // Scoped: a copy of the connection alive below would make addauth copy its whole auth list.
        let sessionId: Int64
        do {
            guard var connection = connections[id], !connection.closing else { return }
            guard connection.handshakeDone else { return closeConnection(id) }
            connection.packetsReceived += 1
            if let op = request.opCode { connection.lastOp = op.mnemonic }
            if request.xid >= 0 { connection.lastCxid = request.xid }
            connections[id] = connection
            sessionId = connection.sessionId
        }
        stats.packetsReceived += 1
        sessions.touch(sessionId, now: now.monotonicMillis)
        learnerState?.touchedSessions.insert(sessionId)
        lastNow = now
        // Replies go out in request order: a read waits behind this connection's pending writes, while
        // writes are prepared at once so that they share the next group commit. A learner's sync goes to the
        // leader at once too, in order with the writes (as Apache's FollowerRequestProcessor sends it): held
        // back, a write sent after it would be answered first.
        // An undecodable request is answered in its turn, like a read.
        let undecodable = if case .undecodable = request.body { true } else { false }
        let forwardedAtOnce = !undecodable && (request.isWrite || (request.opCode == .sync && role.isLearner))
        if deferred[id]?.isEmpty == false && !forwardedAtOnce {
            deferred[id]!.append(.request(request, since: now.monotonicMillis))
        } else {
            answeringSince = now.monotonicMillis
            dispatch(id, request, now: now)
        }
        if let outstanding = deferred[id]?.count, outstanding > settings.outstandingLimit, throttled.insert(id).inserted {
            output.setReading(id, false)
        }
    }

    /// Reads a throttled connection again once half its outstanding requests are answered.
    func readAgainIfAnswered(_ id: ConnectionID) {
        guard !throttled.isEmpty, throttled.contains(id), (deferred[id]?.count ?? 0) <= settings.outstandingLimit / 2 else { return }
        throttled.remove(id)
        output.setReading(id, true)
    }

    func dispatch(_ id: ConnectionID, _ request: ClientRequest, now: Now) {
        // Before `connection` below: a copy alive while addauth appends would copy the whole auth list.
        if case .auth(let packet) = request.body {
            guard connections[id]?.closing == false else { return }
            return authenticate(id, packet, xid: request.xid)
        }
        if case .sasl(let token) = request.body {
            guard connections[id]?.closing == false else { return }
            return sasl(id, token, xid: request.xid)
        }
        guard passesEnforcedAuth(id, xid: request.xid) else { return }
        guard let connection = connections[id], !connection.closing else { return }
        let xid = request.xid
        if case .undecodable = request.body { return reply(id, xid: xid, .marshallingError) }
        // Apache's multi takes writes only: a read in it fails as a record it cannot handle.
        if case .multi(let multi) = request.body, multi.ops.contains(where: \.isRead) {
            return reply(id, xid: xid, .marshallingError)
        }
        if role == .readOnly, request.isWrite, request.opCode != .closeSession {
            return reply(id, xid: xid, .notReadOnly)
        }
        switch request.body {
        case .ping:
            reply(id, xid: xid, .ok)
        case .setWatches(let request):
            setWatches(id, request)
            reply(id, xid: xid, .ok)
        case .closeSession where role == .readOnly:
            sessions.remove(connection.sessionId)
            sessionConnections[connection.sessionId] = nil
            reply(id, xid: xid, .ok)
            closeConnection(id)
        case .closeSession where role.isLearner:
            sessionConnections[connection.sessionId] = nil
            forward(id, request, connection: connection, origin: .closeSession(id, xid: xid))
        case .closeSession:
            closeSession(connection.sessionId, replyingTo: id, xid: xid, now: now)
        case .create, .createTTL, .delete, .setData, .setACL, .check, .multi:
            if role.isLearner {
                var ops: [MultiOp] = []
                if case .multi(let multi) = request.body { ops = multi.ops }
                forward(id, request, connection: connection, origin: .reply(id, xid: xid, op: request.opCode ?? .error, ops: ops))
            } else {
                write(id, request, connection: connection, now: now)
            }
        case .sync where role.isLearner:
            // The leader answers once this server has everything committed before the sync.
            forward(id, request, connection: connection, origin: .reply(id, xid: xid, op: .sync, ops: []))
        case .sync(let r):
            // The leader, a standalone server or a read-only one is as current as it gets.
            reply(id, xid: xid, SyncResponse(path: r.path))
        case .reconfig where !settings.reconfigEnabled:
            reply(id, xid: xid, .reconfigDisabled)
        case .reconfig where role == .readOnly:
            reply(id, xid: xid, .notReadOnly)
        case .reconfig where role.isLearner:
            forward(id, request, connection: connection, origin: .reply(id, xid: xid, op: .reconfig, ops: []))
        case .reconfig:
            write(id, request, connection: connection, now: now)
        case .unknown:
            reply(id, xid: xid, .unimplemented)
        default:
            read(id, request, connection: connection)
        }
    }

    // MARK: Replies

    func reply<R: JuteEncodable>(_ id: ConnectionID, xid: Int32, _ record: R, err: ErrorCode = .ok) {
        noteReply(id)
        output.send(id, ReplyHeader(xid: xid, zxid: tree.lastProcessedZxid, err: err), record)
    }

    func reply(_ id: ConnectionID, xid: Int32, _ code: ErrorCode) {
        noteReply(id)
        output.send(id, ReplyHeader(xid: xid, zxid: tree.lastProcessedZxid, err: code))
    }

    func noteReply(_ id: ConnectionID) {
        stats.packetsSent += 1
        let latency = max(0, lastNow.monotonicMillis - answeringSince)
        stats.recordLatency(latency)
        (answeringUpdate ? metrics.updateLatency : metrics.readLatency).recordMilliseconds(latency)
        connections[id]?.packetsSent += 1
        connections[id]?.lastZxid = tree.lastProcessedZxid
    }

    // MARK: Writes

    private func write(_ id: ConnectionID, _ request: ClientRequest, connection: ConnectionState, now: Now) {
        let zxid = nextZxid()
        let op = request.opCode ?? .error
        let body = sessionMoved(connection.sessionId, from: settings.serverId) ? .error(.sessionMoved)
            : prepare(request.body, op: op, context: prepareContext(connection, zxid: zxid, now: now))
        var ops: [MultiOp] = []
        if case .multi(let multi) = request.body { ops = multi.ops }
        propose(body, sessionId: connection.sessionId, cxid: request.xid, zxid: zxid, now: now,
                origin: .reply(id, xid: request.xid, op: op, ops: ops))
    }

    /// A write's transaction body; a reconfiguration is checked against the ensemble as this leader sees it.
    func prepare(_ body: ClientRequest.Body, op: OpCode, context: RequestPreparer.Context) -> TxnBody {
        if case .reconfig(let r) = body {
            return preparer.prepareReconfig(r, state: replication?.reconfigState, standaloneEnabled: settings.standaloneEnabled,
                                            context: context, tree: tree)
        }
        return preparer.prepare(body, op: op, context: context, tree: tree)
    }

    static func multiResult(_ result: TxnResult, op: OpCode) -> MultiOpResult {
        switch result {
        // Apache labels every stat-returning create in a multi as create2, whatever its opcode.
        case .created(let path, let stat): return op == .create ? .create(path: path) : .create2(path: path, stat: stat, op: .create2)
        case .deleted: return .delete
        case .setData(let stat): return .setData(stat)
        case .checked: return .check
        case .error(let code): return .error(code)
        default: return .error(.runtimeInconsistency)
        }
    }

    func closeSession(_ sessionId: Int64, replyingTo id: ConnectionID, xid: Int32, now: Now) {
        sessionConnections[sessionId] = nil
        closeSession(sessionId, cxid: xid, now: now, origin: .closeSession(id, xid: xid))
    }

    // MARK: Auth

    private func authenticate(_ id: ConnectionID, _ packet: AuthPacket, xid: Int32) {
        guard let remoteHost = connections[id]?.remoteHost else { return }
        var added: [Id] = []
        switch packet.scheme {
        case "digest" where !packet.authIsNull:
            let digest = AccessControl.digest(String(decoding: packet.auth, as: UTF8.self))
            if let superDigest = settings.superDigest, digest == superDigest { added.append(Id(scheme: "super", id: "")) }
            added.append(Id(scheme: "digest", id: digest))
        case "ip":
            added.append(Id(scheme: "ip", id: remoteHost))
        default:
            stats.authFailedCount += 1
            noteReply(id)
            output.send(id, ReplyHeader(xid: xid, zxid: 0, err: ErrorCode.authFailed))
            return closeConnection(id)
        }
        // In place: a copy of the connection would copy its whole auth list on each addauth.
        for authId in added { connections[id]?.addAuthId(authId) }
        noteReply(id)
        output.send(id, ReplyHeader(xid: xid, zxid: 0, err: ErrorCode.ok))
    }
}
