import NIOCore
import Testing
import ZKDataTree
import ZKJute
import ZKProtocol
import ZKServerCore

/// A leader core and a follower core joined by a perfect consensus: the leader's proposals are collected
/// and committed to both when the test says so, and the follower's forwarded requests reach the leader at once.
final class TwoCoreEnsemble: ReplicationChannel, TransactionLogSink {
    let leader: CoreHarness
    let follower: CoreHarness
    var proposed: [Transaction] = []
    var syncs: [(ForwardedRequest, Int64)] = []

    init() {
        var leaderSettings = ServerSettings(); leaderSettings.serverId = 1
        var followerSettings = ServerSettings(); followerSettings.serverId = 2
        leader = CoreHarness(settings: leaderSettings)
        follower = CoreHarness(settings: followerSettings)
        leader.core.logSink = self
        follower.core.replication = self
        leader.core.replication = self
        leader.core.becomeLeader(epoch: 1, now: leader.now)
        follower.core.becomeLearner(observer: false)
    }

    func append(_ txn: Transaction, serialized: ByteBuffer) { proposed.append(txn) }

    func forwardToLeader(_ request: ForwardedRequest) {
        // Through the wire format, as a REQUEST packet's data would go.
        var buffer = ByteBuffer()
        request.learnerRequest.encode(into: &buffer)
        let decoded = try! ForwardedRequest(try! LearnerRequest(from: &buffer), authIds: request.authIds)
        leader.core.receiveForwarded(decoded, from: 2, now: leader.now)
    }

    func syncAnswered(_ request: ForwardedRequest, to peer: Int64) { syncs.append((request, peer)) }

    func sessionMovedHere(_ sessionId: Int64, timeout: Int32) {
        leader.core.sessionRevalidated(sessionId, timeout: timeout, from: 2, now: leader.now)
        follower.core.revalidated(sessionId, valid: leader.core.sessions.isLive(sessionId))
    }

    /// Commits everything proposed so far, on both servers, in order.
    func commitAll() {
        let batch = proposed
        proposed = []
        for txn in batch {
            leader.core.committed(txn)
            follower.core.committed(txn)
        }
        for _ in syncs { follower.core.forwardedSyncAnswered() }
        syncs = []
    }
}

extension ServerCore {
    /// A socket opens and sends its ConnectRequest (a new session unless `session` is given).
    func open(_ id: ConnectionID, now: Now, session: Int64 = 0, passwd: [UInt8] = Array(repeating: 0, count: 16),
              readOnly: Bool = false) {
        connectionOpened(id, remoteHost: "127.0.0.1", remotePort: Int(id), now: now)
        receiveConnect(id, ConnectRequest(lastZxidSeen: 0, timeOut: 10_000, sessionId: session, passwd: passwd, readOnly: readOnly),
                       now: now)
    }
}

@Suite struct ReplicatedCoreTests {
    @Test func aFollowersClientWritesThroughTheLeader() throws {
        let e = TwoCoreEnsemble()
        // The session is created by the leader; the client hears of it only on commit.
        e.follower.core.open(7, now: e.follower.now)
        #expect(e.follower.output.take().isEmpty)
        #expect(e.proposed.count == 1 && e.proposed[0].header.zxid == (1 << 32) + 1)
        e.commitAll()
        guard case .connect(7, let response)? = e.follower.output.take().first else { Issue.record("no connect response"); return }
        #expect(response.sessionId >> 56 == 2)  // allocated by the follower, with its id in the top byte
        #expect(e.leader.core.sessions.isLive(response.sessionId))

        // A create: forwarded, prepared by the leader, answered by the follower after the commit.
        e.follower.xid += 1
        let create = ClientRequest(xid: e.follower.xid, op: .create, body: .create(CreateRequest(path: "/a", data: [1], acl: ACL.openACLUnsafe, flags: 0)))
        e.follower.core.receive(7, create, now: e.follower.now)
        // A read behind it waits for it, so the client sees its own write.
        e.follower.xid += 1
        e.follower.core.receive(7, ClientRequest(xid: e.follower.xid, op: .exists, body: .exists(ExistsRequest(path: "/a", watch: false))), now: e.follower.now)
        #expect(e.follower.output.take().isEmpty)
        e.commitAll()
        let replies = e.follower.output.take()
        #expect(replies.count == 2)
        if case .reply(7, let xid, .ok, _) = replies[0] { #expect(xid == create.xid) } else { Issue.record("\(replies)") }
        if case .reply(7, _, let err, _) = replies[1] { #expect(err == .ok) } else { Issue.record("\(replies)") }
        #expect(e.leader.core.tree.node("/a") != nil && e.follower.core.tree.node("/a") != nil)
        #expect(e.leader.core.lastProcessedZxid == e.follower.core.lastProcessedZxid)
    }

    /// A pipelined write, sync, read, write on a follower: the leader commits both writes in one batch and
    /// answers the sync after it, yet the client hears back in request order (the cluster simulator found
    /// the second write answered before the sync, seeds 1, 5, 14 and 22).
    @Test func aFollowerAnswersInRequestOrderWhenCommitsOvertakeASync() throws {
        let e = TwoCoreEnsemble()
        e.follower.core.open(7, now: e.follower.now)
        e.commitAll()
        _ = e.follower.output.take()
        let requests: [ClientRequest] = [
            ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(path: "/a", data: [1], acl: ACL.openACLUnsafe, flags: 0))),
            ClientRequest(xid: 2, op: .sync, body: .sync(SyncRequest(path: "/a"))),
            ClientRequest(xid: 3, op: .getData, body: .getData(GetDataRequest(path: "/a", watch: false))),
            ClientRequest(xid: 4, op: .setData, body: .setData(SetDataRequest(path: "/a", data: [2], version: -1))),
        ]
        for request in requests { e.follower.core.receive(7, request, now: e.follower.now) }
        // The sync reached the leader between the two writes: it waits for the first one's commit.
        #expect(e.proposed.count == 2 && e.syncs.isEmpty)
        e.commitAll()
        let xids = e.follower.output.take().compactMap { sent -> Int32? in if case .reply(7, let xid, _, _) = sent { xid } else { nil } }
        #expect(xids == [1, 2, 3, 4])
    }

    @Test func errorsAndSyncAndCloseComeBackToTheFollowersClient() throws {
        let e = TwoCoreEnsemble()
        e.follower.core.open(7, now: e.follower.now)
        e.commitAll()
        _ = e.follower.output.take()
        // NoNode is decided by the leader and committed as an error transaction.
        e.follower.core.receive(7, ClientRequest(xid: 1, op: .delete, body: .delete(DeleteRequest(path: "/missing", version: -1))), now: e.follower.now)
        e.follower.core.receive(7, ClientRequest(xid: 2, op: .sync, body: .sync(SyncRequest(path: "/"))), now: e.follower.now)
        e.commitAll()
        let replies = e.follower.output.take()
        #expect(replies.count == 2, "\(replies)")
        if case .reply(7, 1, let err, _) = replies[0] { #expect(err == .noNode) } else { Issue.record("\(replies)") }
        if case .reply(7, 2, let err, _) = replies[1] { #expect(err == .ok) } else { Issue.record("\(replies)") }
        // closeSession: the leader removes the session everywhere; the follower answers and closes.
        e.follower.core.receive(7, ClientRequest(xid: 3, op: .closeSession, body: .closeSession), now: e.follower.now)
        e.commitAll()
        let closing = e.follower.output.take()
        #expect(closing.contains(.close(7)))
        #expect(e.leader.core.sessions.sessions.isEmpty && e.follower.core.sessions.sessions.isEmpty)
    }

    @Test func onlyTheLeaderExpiresSessionsAndNotServingRefusesClients() {
        let e = TwoCoreEnsemble()
        e.leader.connect(1, timeout: 6_000)
        e.commitAll()
        e.leader.now.monotonicMillis += 60_000
        e.follower.now.monotonicMillis += 60_000
        e.follower.core.tick(now: e.follower.now)
        #expect(e.proposed.isEmpty)
        e.leader.core.tick(now: e.leader.now)
        #expect(e.proposed.count == 1)
        e.follower.core.stopServing()
        e.follower.core.open(9, now: e.follower.now)
        #expect(e.follower.output.take() == [.close(9)])
    }

    @Test func writesFromAMemberTheSessionLeftCloseThatConnection() throws {
        let e = TwoCoreEnsemble()
        e.follower.core.open(7, now: e.follower.now)
        e.commitAll()
        guard case .connect(7, let response)? = e.follower.output.take().first else { Issue.record("no session"); return }
        // The client resumes its session on the leader: the follower's old connection may no longer write.
        e.leader.connect(5, session: response.sessionId, passwd: response.passwd)
        e.follower.core.receive(7, ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(path: "/moved", data: [], acl: ACL.openACLUnsafe, flags: 0))),
                                now: e.follower.now)
        // The refused create leaves nothing behind in the leader's view of pending changes: the same create
        // where the session lives now, prepared before the refusal commits, finds the path free (the cluster
        // simulator found it taken, seed 148).
        e.leader.core.receive(5, ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(path: "/moved", data: [], acl: ACL.openACLUnsafe, flags: 0))),
                              now: e.leader.now)
        e.commitAll()
        #expect(e.follower.output.take() == [.close(7)])
        #expect(e.leader.core.tree.node("/moved")?.stat.ephemeralOwner == 0)
        #expect(e.proposed.isEmpty && e.leader.output.take().contains { if case .reply(5, 1, .ok, _) = $0 { true } else { false } })
        // Back on the follower (it revalidates with the leader), writes go through again.
        e.follower.core.open(8, now: e.follower.now, session: response.sessionId, passwd: response.passwd)
        _ = e.follower.output.take()
        e.follower.core.receive(8, ClientRequest(xid: 2, op: .create, body: .create(CreateRequest(path: "/back", data: [], acl: ACL.openACLUnsafe, flags: 0))),
                                now: e.follower.now)
        e.commitAll()
        if case .reply(8, 2, let err, _)? = e.follower.output.take().first { #expect(err == .ok) } else { Issue.record("no reply") }
    }

    @Test func readOnlyModeServesReadOnlyClientsOnly() throws {
        let e = TwoCoreEnsemble()
        e.leader.core.open(1, now: e.leader.now)
        e.commitAll()
        e.leader.core.receive(1, ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(path: "/kept", data: [], acl: ACL.openACLUnsafe, flags: 0))),
                              now: e.leader.now)
        e.commitAll()
        #expect(e.follower.core.tree.node("/kept") != nil)
        let core = e.follower.core
        core.stopServing()
        core.enterReadOnly()
        // A client that did not ask for read-only is refused.
        core.open(20, now: e.follower.now)
        #expect(e.follower.output.take() == [.close(20)])
        // One that did gets a read-only session: reads work, writes answer NotReadOnly.
        core.open(21, now: e.follower.now, readOnly: true)
        guard case .connect(21, let response)? = e.follower.output.take().first else { Issue.record("no session"); return }
        #expect(response.readOnly == true)
        core.receive(21, ClientRequest(xid: 1, op: .exists, body: .exists(ExistsRequest(path: "/kept", watch: false))), now: e.follower.now)
        core.receive(21, ClientRequest(xid: 2, op: .create, body: .create(CreateRequest(path: "/new", data: [], acl: ACL.openACLUnsafe, flags: 0))),
                     now: e.follower.now)
        let replies = e.follower.output.take()
        if case .reply(21, 1, let err, _) = replies[0] { #expect(err == .ok) } else { Issue.record("\(replies)") }
        if case .reply(21, 2, let err, _) = replies[1] { #expect(err == .notReadOnly) } else { Issue.record("\(replies)") }
        var environment = ServerEnvironment()
        environment.whitelist = ["*"]
        #expect(core.fourLetterWord(.isro, environment: environment, now: e.follower.now) == "ro")
        // Back in the ensemble, the read-only clients go.
        core.becomeLearner(observer: false)
        #expect(e.follower.output.take().contains(.close(21)))
    }
}
