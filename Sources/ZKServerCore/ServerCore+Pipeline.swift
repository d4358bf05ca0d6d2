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

/// A connection's requests held back to keep its replies in order behind its own pending writes.
enum Deferred {
    case write(zxid: Int64)
    case request(ClientRequest)
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
        if case .reply(let connection, _, _, _) = origin { deferred[connection, default: []].append(.write(zxid: zxid)) }
        if case .closeSession(let connection, _) = origin { deferred[connection, default: []].append(.write(zxid: zxid)) }
    }

    func nextZxid() -> Int64 {
        if case .leader = role, let zxid = replication?.nextProposalZxid { return zxid }
        return lastAssignedZxid + 1
    }

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
        var sink = OutputWatchSink(output: output)
        let result = tree.apply(txn, sink: &sink)
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
            replyToWrite(id, xid: xid, op: op, ops: ops, result: result)
            finishDeferredWrite(id)
        case .connect(let id, let response):
            send(id, connectResponse: response)
        case .closeSession(let id, let xid):
            reply(id, xid: xid, .ok)
            closeConnection(id)
            finishDeferredWrite(id)
        case .expire(let sessionId):
            if let connection = sessionConnections.removeValue(forKey: sessionId) { closeConnection(connection) }
        }
    }

    /// Pops the write just answered and runs the reads that waited behind it, up to the next write.
    func finishDeferredWrite(_ id: ConnectionID) {
        // Mutated in place through the index: copying the queue out and back would copy it on every write.
        guard let index = deferred.index(forKey: id), !deferred.values[index].isEmpty else { return }
        if case .write = deferred.values[index][0] { deferred.values[index].removeFirst() }
        var ready: [ClientRequest] = []
        while let head = deferred.values[index].first, case .request(let request) = head {
            ready.append(request)
            deferred.values[index].removeFirst()
        }
        for request in ready { dispatch(id, request, now: lastNow) }
    }

    func replyToWrite(_ id: ConnectionID, xid: Int32, op: OpCode, ops: [MultiOp], result: TxnResult) {
        switch result {
        case .error(let code):
            reply(id, xid: xid, code)
        case .created(let path, let stat):
            if op == .create { reply(id, xid: xid, CreateResponse(path: path)) } else { reply(id, xid: xid, Create2Response(path: path, stat: stat)) }
        case .setData(let stat), .setACL(let stat):
            reply(id, xid: xid, StatRecord(stat: stat))
        case .multi(let results):
            reply(id, xid: xid, MultiResponse(results: zip(results, ops).map { Self.multiResult($0, op: $1.opCode) }))
        default:
            reply(id, xid: xid, .ok)
        }
    }
}
