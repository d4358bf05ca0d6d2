import Testing
import ZKDataTree
import ZKProtocol
import ZKServerCore

/// What one misbehaving client must not do to the server: hold a socket without a session for ever, or
/// make its auth list or a request's ACL cost quadratic time.
@Suite struct HostileClientTests {
    @Test func aConnectionWithoutASessionIsClosedAfterTheSessionlessTimeout() {
        var settings = ServerSettings()
        settings.sessionlessConnectionTimeoutMs = 10_000
        let h = CoreHarness(settings: settings)
        h.core.connectionOpened(1, remoteHost: "127.0.0.1", remotePort: 1, now: h.now)
        h.connect(2, timeout: 30_000)
        h.now.monotonicMillis += 9_999
        h.core.tick(now: h.now)
        #expect(!h.output.take().contains(.close(1)))
        h.now.monotonicMillis += 1
        h.core.tick(now: h.now)
        // The silent socket goes; the one with a session stays (its session ping keeps it).
        #expect(h.output.take() == [.close(1)])
        #expect(h.core.metrics.registry.counter("sessionless_connections_expired").current == 1)
    }

    @Test func thousandsOfDistinctAddauthsEachCountOnce() {
        let h = CoreHarness()
        h.connect(1)
        for round in 0..<2 {
            for n in 0..<20_000 {
                h.core.receive(1, ClientRequest(xid: -4, op: .auth, body: .auth(AuthPacket(scheme: "digest", auth: Array("u\(n):pw".utf8)))),
                               now: h.now)
            }
            let ids = h.core.connections[1]!.authIds
            #expect(ids.count == 20_001, "round \(round)")
            #expect(ids.first == Id(scheme: "ip", id: "127.0.0.1"))
            #expect(ids[1] == Id(scheme: "digest", id: AccessControl.digest("u0:pw")))
        }
    }

    @Test func anACLOfTensOfThousandsOfEntriesLosesItsDuplicatesInOrder() {
        let distinct = (0..<65_000).map { ACL(perms: .read, id: Id(scheme: "ip", id: "10.\($0 / 65_536).\($0 / 256 % 256).\($0 % 256)")) }
        let fixed = AccessControl.fixup(distinct + distinct.reversed(), authIds: [], providers: AuthProviders())
        #expect(fixed == distinct)
    }

    @Test func oddRequestsGetApachesAnswers() {
        let h = CoreHarness()
        h.connect(1)
        // The empty path is the root to a read and BadArguments to a write.
        #expect(h.request(1, .exists, .exists(ExistsRequest(path: "", watch: false))).0 == .ok)
        #expect(h.request(1, .getChildren, .getChildren(GetChildrenRequest(path: "", watch: false))).0 == .ok)
        #expect(h.create(1, "") == .badArguments)
        #expect(h.request(1, .delete, .delete(DeleteRequest(path: "", version: -1))).0 == .badArguments)
        #expect(h.create(1, "/smile-\u{1F600}") == .badArguments)
        #expect(h.create(1, "/d1", acl: [ACL(perms: .all, id: Id(scheme: "digest", id: "u:"))]) == .invalidACL)
        #expect(h.create(1, "/d2", acl: [ACL(perms: .all, id: Id(scheme: "digest", id: ":"))]) == .invalidACL)
        #expect(h.create(1, "/d3", acl: [ACL(perms: .all, id: Id(scheme: "digest", id: "u:p:"))]) == .ok)
        #expect(h.request(1, .getData, .undecodable).0 == .marshallingError)
        let read = MultiOp.getData(GetDataRequest(path: "/", watch: false))
        let write = MultiOp.create(CreateRequest(path: "/m", data: [], acl: ACL.openACLUnsafe, flags: 0), op: .create)
        #expect(h.request(1, .multi, .multi(MultiRequest(ops: [write, read]))).0 == .marshallingError)
        // A multiRead mixing reads and writes does not decode in Apache; writes alone end it at the first.
        #expect(h.request(1, .multiRead, .multiRead(MultiRequest(ops: [read, write]))) == (.marshallingError, []))
        #expect(h.request(1, .multiRead, .multiRead(MultiRequest(ops: [write]))) == (.marshallingError, MultiResponse(results: []).encodedBytes()))
        #expect(h.core.tree.node("/m") == nil)
    }

    @Test func aNullDigestFailsAndCloses() {
        let h = CoreHarness()
        h.connect(1)
        var packet = AuthPacket(scheme: "digest", auth: [])
        packet.authIsNull = true
        h.core.receive(1, ClientRequest(xid: -4, op: .auth, body: .auth(packet)), now: h.now)
        #expect(h.output.take() == [.reply(1, xid: -4, err: .authFailed, body: []), .close(1)])
    }

    @Test func aConnectionWithTooManyOutstandingIsNotReadUntilHalfAreAnswered() {
        var settings = ServerSettings()
        settings.outstandingLimit = 10
        let h = CoreHarness(settings: settings)
        let log = HeldLog()
        h.core.logSink = log
        h.connect(1)
        h.connect(2)
        h.core.logged(through: log.held.last!.zxid)
        for n in 0..<11 {
            h.core.receive(1, ClientRequest(xid: Int32(n + 1), op: .create, body: .create(CreateRequest(path: "/n\(n)", data: [], acl: ACL.openACLUnsafe, flags: 0))), now: h.now)
        }
        #expect(h.output.reading.map { $0.0 } == [1] && h.output.reading.map { $0.1 } == [false])
        // Another connection's requests are not held.
        h.core.receive(2, ClientRequest(xid: 1, op: .create, body: .create(CreateRequest(path: "/other", data: [], acl: ACL.openACLUnsafe, flags: 0))), now: h.now)
        #expect(h.output.reading.count == 1)
        h.core.logged(through: log.held.last!.zxid)
        #expect(h.output.reading.map { $0.1 } == [false, true])
    }
}
