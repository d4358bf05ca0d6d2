import DequeModule
import NIOCore
import ZKDataTree
import ZKJute
import ZKProtocol

/// Where prepared transactions go to become durable. The shell batches them into the transaction log
/// (group commit) and calls `ServerCore.logged(through:)` once they are on disk.
public protocol TransactionLogSink: AnyObject {
    /// `serialized` is `txn.serialized()`, made once by the core: the log and Zab use these bytes as they are.
    func append(_ txn: Transaction, serialized: ByteBuffer)
}

/// Who waits for a transaction, and what they get once it is applied.
enum TxnOrigin {
    case none
    case reply(ConnectionID, xid: Int32, op: OpCode, ops: [MultiOp])
    case connect(ConnectionID, ConnectResponse)
    case closeSession(ConnectionID, xid: Int32)
    case expire(Int64)
}

struct PendingTxn {
    var txn: Transaction
    var origin: TxnOrigin
}

/// A connection's requests held back to keep its replies in request order behind its own pending ones.
/// Each entry keeps when its request arrived (monotonic ms), for the latency srvr and mntr report.
enum Deferred {
    /// A write (or a learner's forwarded closeSession) waiting for its commit.
    case write(since: Int64)
    /// A learner's sync waiting for the leader's answer.
    case sync(since: Int64)
    /// A request that finished while one before it still waits: its answer, held until then.
    case answered(Answer, since: Int64)
    /// A read that arrived behind pending ones.
    case request(ClientRequest, since: Int64)
}

/// What a finished request answers.
enum Answer {
    case write(xid: Int32, op: OpCode, ops: [MultiOp], result: TxnResult)
    case closeSession(xid: Int32)
    case sync(xid: Int32, path: String)
}

extension ServerCore {
    /// Assigns the transaction its place in history. With a log sink it waits there until `logged`;
    /// without one (memory only) it is applied at once.
    func propose(_ body: TxnBody, sessionId: Int64, cxid: Int32, zxid: Int64, now: Now, origin: TxnOrigin) {
        lastAssignedZxid = zxid
        let txn = Transaction(header: TxnHeader(clientId: sessionId, cxid: cxid, zxid: zxid, time: now.wallMillis, type: body.typeCode), body: body)
        guard let log = logSink else { return applyCommitted(txn, origin: origin) }
        let serialized = txn.serialized()
        if case .leader = role { stats.recordProposal(size: serialized.readableBytes) }
        log.append(txn, serialized: serialized)
        // The sink may refuse it and end this leadership (the zxid counter ran out): then nobody waits for it.
        guard role.isServing else { return }
        pendingTxns.append(PendingTxn(txn: txn, origin: origin))
        if case .reply(let connection, _, _, _) = origin { deferred[connection, default: []].append(.write(since: now.monotonicMillis)) }
        if case .closeSession(let connection, _) = origin { deferred[connection, default: []].append(.write(since: now.monotonicMillis)) }
    }

    func nextZxid() -> Int64 {
        if case .leader = role, let zxid = replication?.nextProposalZxid { return zxid }
        return lastAssignedZxid + 1
    }

    /// The time of an input that reaches the core without a request (a commit, a finished fsync): what the
    /// replies it causes measure their latency against.
    public func advanceTime(to now: Now) { lastNow = now }

    /// The time of the latest input.
    public var latestTime: Now { lastNow }

    /// The log has made everything through `zxid` durable: apply it and answer those who wait.
    public func logged(through zxid: Int64) {
        while let first = pendingTxns.first, first.txn.zxid <= zxid {
            pendingTxns.removeFirst()
            applyCommitted(first.txn, origin: first.origin)
        }
    }

    /// Transactions proposed but not yet durable.
    public var pendingCount: Int { pendingTxns.count }

    func applyCommitted(_ txn: Transaction, origin: TxnOrigin) {
        var sink = OutputWatchSink(output: output, metrics: metrics)
        let result = tree.apply(txn, sink: &sink)
        // Wall clocks, as Apache: the leader stamped the transaction, this server applies it.
        let propagation = lastNow.wallMillis - txn.header.time
        if propagation >= 0 { metrics.propagationLatency.recordMilliseconds(propagation) }
        if case .closeSession = txn.body {
            sessions.remove(txn.header.clientId)
            leaderState?.sessionOwners[txn.header.clientId] = nil
        }
        preparer.applied(through: txn.zxid)
        switch origin {
        case .none:
            break
        case .reply(let id, _, _, _) where result == .error(.sessionMoved):
            // The session lives on another member now; this old connection goes (Apache closes it unanswered).
            closeConnection(id)
        case .reply(let id, let xid, let op, let ops):
            finished(id, .write(xid: xid, op: op, ops: ops, result: result))
        case .connect(let id, let response):
            send(id, connectResponse: response)
        case .closeSession(let id, let xid):
            finished(id, .closeSession(xid: xid))
        case .expire(let sessionId):
            if let connection = sessionConnections.removeValue(forKey: sessionId) { closeConnection(connection) }
        }
    }

    /// A request of this connection is done. Its answer goes out now if nothing before it still waits, and
    /// so do the answers and reads held behind it; otherwise it is held in its place. (Only a learner holds
    /// answers: a batch of commits can carry a write sent after a sync the leader answers after that batch.)
    func finished(_ id: ConnectionID, _ answer: Answer) {
        defer { readAgainIfAnswered(id) }
        let isSync: Bool
        if case .sync = answer { isSync = true } else { isSync = false }
        guard let position = deferred[id]?.firstIndex(where: { entry in
            switch entry {
            case .write: return !isSync
            case .sync: return isSync
            case .answered, .request: return false
            }
        }) else { return deliver(id, answer) }
        let since: Int64
        switch deferred[id]![position] {
        case .write(let t), .sync(let t), .answered(_, let t), .request(_, let t): since = t
        }
        guard position == 0 else {
            deferred[id]![position] = .answered(answer, since: since)
            return
        }
        deferred[id]!.removeFirst()
        answeringSince = since
        deliver(id, answer)
        // Mutated in place through the subscript: copying the queue out and back would copy it on every write.
        while let head = deferred[id]?.first {
            switch head {
            case .answered(let held, let since):
                deferred[id]!.removeFirst()
                answeringSince = since
                deliver(id, held)
            case .request(let request, let since):
                deferred[id]!.removeFirst()
                answeringSince = since
                dispatch(id, request, now: lastNow)
            case .write, .sync:
                return
            }
        }
    }

    private func deliver(_ id: ConnectionID, _ answer: Answer) {
        // A sync is a read to Apache: it carries no transaction.
        if case .sync = answer { answeringUpdate = false } else { answeringUpdate = true }
        defer { answeringUpdate = false }
        switch answer {
        case .write(let xid, let op, let ops, let result):
            replyToWrite(id, xid: xid, op: op, ops: ops, result: result)
        case .closeSession(let xid):
            reply(id, xid: xid, .ok)
            closeConnection(id)
        case .sync(let xid, let path):
            reply(id, xid: xid, SyncResponse(path: path))
        }
    }

    func replyToWrite(_ id: ConnectionID, xid: Int32, op: OpCode, ops: [MultiOp], result: TxnResult) {
        switch result {
        case .error(let code):
            reply(id, xid: xid, code)
        case .created(let path, let stat):
            if op == .create { reply(id, xid: xid, CreateResponse(path: path)) } else { reply(id, xid: xid, Create2Response(path: path, stat: stat)) }
        case .setData(let stat) where op == .reconfig:
            // Apache answers with the new configuration and the stat of /zookeeper/config.
            reply(id, xid: xid, GetDataResponse(data: tree.node(DataTree.configPath)?.data ?? [], stat: stat))
        case .setData(let stat), .setACL(let stat):
            reply(id, xid: xid, StatRecord(stat: stat))
        case .multi(let results):
            reply(id, xid: xid, MultiResponse(results: zip(results, ops).map { Self.multiResult($0, op: $1.opCode) }))
        default:
            reply(id, xid: xid, .ok)
        }
    }
}
