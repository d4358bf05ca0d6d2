import NIOCore
import Testing
import ZKDataTree
import ZKProtocol
import ZKServerCore

/// A log that holds transactions until the test says they are durable.
final class HeldLog: TransactionLogSink {
    var held: [Transaction] = []
    func append(_ txn: Transaction, serialized: ByteBuffer) { held.append(txn) }
}

@Suite struct DurablePipelineTests {
    func harness() -> (CoreHarness, HeldLog) {
        let h = CoreHarness()
        let log = HeldLog()
        h.core.logSink = log
        return (h, log)
    }

    func send(_ h: CoreHarness, _ id: ConnectionID, _ op: OpCode, _ body: ClientRequest.Body) -> Int32 {
        h.xid += 1
        h.core.receive(id, ClientRequest(xid: h.xid, op: op, body: body), now: h.now)
        return h.xid
    }

    func replies(_ sent: [RecordingOutput.Sent], to id: ConnectionID) -> [(Int32, ErrorCode)] {
        sent.compactMap { if case .reply(let c, let xid, let err, _) = $0, c == id { return (xid, err) } else { return nil } }
    }

    /// srvr's latency is measured: a read answered at once counts 0 ms, a write from its arrival to its
    /// durable reply, and a read held behind that write as long as it waited.
    @Test func latencyIsMeasuredFromArrivalToReply() {
        let (h, log) = harness()
        h.core.connectionOpened(1, remoteHost: "127.0.0.1", remotePort: 1, now: h.now)
        h.core.receiveConnect(1, ConnectRequest(lastZxidSeen: 0, timeOut: 10_000, sessionId: 0, passwd: Array(repeating: 0, count: 16), readOnly: false), now: h.now)
        h.core.logged(through: log.held.last!.zxid)
        _ = send(h, 1, .exists, .exists(ExistsRequest(path: "/", watch: false)))
        #expect(h.core.stats.requestCount == 1 && h.core.stats.maxLatency == 0)
        _ = send(h, 1, .create, .create(CreateRequest(path: "/a", data: [], acl: ACL.openACLUnsafe, flags: 0)))
        h.now.monotonicMillis += 5
        _ = send(h, 1, .exists, .exists(ExistsRequest(path: "/a", watch: false)))
        h.now.monotonicMillis += 20
        h.core.advanceTime(to: h.now)
        h.core.logged(through: log.held.last!.zxid)
        #expect(replies(h.output.take(), to: 1).map(\.1) == [.ok, .ok, .ok])
        #expect(h.core.stats.requestCount == 3)
        #expect(h.core.stats.minLatency == 0 && h.core.stats.maxLatency == 25 && h.core.stats.totalLatency == 45)
    }

    @Test func sessionsAndWritesWaitForTheLog() {
        let (h, log) = harness()
        h.core.connectionOpened(1, remoteHost: "127.0.0.1", remotePort: 1, now: h.now)
        h.core.receiveConnect(1, ConnectRequest(lastZxidSeen: 0, timeOut: 10_000, sessionId: 0, passwd: Array(repeating: 0, count: 16), readOnly: false), now: h.now)
        #expect(h.output.take().isEmpty)  // the new session is not durable yet
        h.core.logged(through: log.held.last!.zxid)
        #expect(h.output.take().count == 1)

        let a = send(h, 1, .create, .create(CreateRequest(path: "/a", data: [], acl: ACL.openACLUnsafe, flags: 0)))
        // Prepared against the pending create of /a, not yet in the tree.
        let b = send(h, 1, .create, .create(CreateRequest(path: "/a/b", data: [], acl: ACL.openACLUnsafe, flags: 0)))
        let dup = send(h, 1, .create, .create(CreateRequest(path: "/a", data: [], acl: ACL.openACLUnsafe, flags: 0)))
        let read = send(h, 1, .exists, .exists(ExistsRequest(path: "/a/b", watch: false)))
        #expect(h.output.take().isEmpty)
        #expect(h.core.tree.node("/a") == nil)
        #expect(log.held.count == 4)  // session, /a, /a/b, the failed duplicate (an ErrorTxn)

        h.core.logged(through: log.held[2].zxid)  // /a and /a/b are durable, the duplicate is not
        #expect(replies(h.output.take(), to: 1).map(\.0) == [a, b])
        h.core.logged(through: log.held[3].zxid)
        let rest = replies(h.output.take(), to: 1)
        #expect(rest.map(\.0) == [dup, read])  // the read waited behind the last write
        #expect(rest.map(\.1) == [.nodeExists, .ok])
    }

    @Test func otherConnectionsReadWithoutWaitingAndSeeOnlyDurableState() {
        let (h, log) = harness()
        for id: ConnectionID in [1, 2] {
            h.core.connectionOpened(id, remoteHost: "127.0.0.1", remotePort: Int(id), now: h.now)
            h.core.receiveConnect(id, ConnectRequest(lastZxidSeen: 0, timeOut: 10_000, sessionId: 0, passwd: Array(repeating: 0, count: 16), readOnly: false), now: h.now)
        }
        h.core.logged(through: log.held.last!.zxid)
        _ = h.output.take()
        _ = send(h, 1, .create, .create(CreateRequest(path: "/p", data: [], acl: ACL.openACLUnsafe, flags: 0)))
        let read = send(h, 2, .exists, .exists(ExistsRequest(path: "/p", watch: false)))
        #expect(replies(h.output.take(), to: 2).map { $0.0 == read && $0.1 == .noNode } == [true])
        h.core.logged(through: log.held.last!.zxid)
        #expect(replies(h.output.take(), to: 1).map(\.1) == [.ok])
        #expect(h.core.tree.node("/p") != nil)
    }

    @Test func failedMultiLeavesNoPendingTrace() {
        let (h, log) = harness()
        h.core.connectionOpened(1, remoteHost: "127.0.0.1", remotePort: 1, now: h.now)
        h.core.receiveConnect(1, ConnectRequest(lastZxidSeen: 0, timeOut: 10_000, sessionId: 0, passwd: Array(repeating: 0, count: 16), readOnly: false), now: h.now)
        let ops: [MultiOp] = [
            .create(CreateRequest(path: "/m", data: [], acl: ACL.openACLUnsafe, flags: 0), op: .create),
            .delete(DeleteRequest(path: "/missing", version: -1)),
        ]
        _ = send(h, 1, .multi, .multi(MultiRequest(ops: ops)))
        // The rolled-back create of /m must not make a later create of /m fail.
        _ = send(h, 1, .create, .create(CreateRequest(path: "/m", data: [], acl: ACL.openACLUnsafe, flags: 0)))
        h.core.logged(through: log.held.last!.zxid)
        #expect(replies(h.output.take(), to: 1).map(\.1) == [.ok, .ok])
        #expect(h.core.tree.node("/m") != nil)
        #expect(h.core.pendingCount == 0)
    }
}
