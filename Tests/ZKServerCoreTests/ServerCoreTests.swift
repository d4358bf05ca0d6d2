import NIOCore
import Testing
import ZKDataTree
import ZKJute
import ZKProtocol
import ZKServerCore

/// Captures what the core sends, decoded just enough to assert on.
final class RecordingOutput: ServerOutput {
    enum Sent: Equatable {
        case reply(ConnectionID, xid: Int32, err: ErrorCode, body: [UInt8])
        case connect(ConnectionID, ConnectResponse)
        case event(ConnectionID, WatcherEvent)
        case close(ConnectionID)
    }
    var sent: [Sent] = []

    func send<R: JuteEncodable>(_ connection: ConnectionID, _ header: ReplyHeader, _ record: R) {
        sent.append(.reply(connection, xid: header.xid, err: header.error, body: record.encodedBytes()))
    }
    func send(_ connection: ConnectionID, _ header: ReplyHeader) {
        sent.append(.reply(connection, xid: header.xid, err: header.error, body: []))
    }
    func sendConnectResponse(_ connection: ConnectionID, _ response: ConnectResponse) { sent.append(.connect(connection, response)) }
    func sendEvent(_ connection: ConnectionID, _ event: WatcherEvent) { sent.append(.event(connection, event)) }
    func close(_ connection: ConnectionID) { sent.append(.close(connection)) }
    /// setReading calls, apart from `sent`.
    var reading: [(ConnectionID, Bool)] = []
    func setReading(_ connection: ConnectionID, _ reading: Bool) { self.reading.append((connection, reading)) }

    func take() -> [Sent] { defer { sent = [] }; return sent }
}

/// A core with a clock the test moves.
final class CoreHarness {
    let output = RecordingOutput()
    let core: ServerCore
    var now = Now(monotonicMillis: 1_000, wallMillis: 1_700_000_000_000)
    var xid: Int32 = 0

    init(settings: ServerSettings = ServerSettings()) {
        core = ServerCore(settings: settings, output: output, now: now)
    }

    /// Opens a connection and a new session; returns (connection, session id, password).
    @discardableResult
    func connect(_ id: ConnectionID, timeout: Int32 = 10_000, readOnlyFlag: Bool? = false, session: Int64 = 0, passwd: [UInt8] = Array(repeating: 0, count: 16)) -> ConnectResponse? {
        core.connectionOpened(id, remoteHost: "127.0.0.1", remotePort: Int(id), now: now)
        core.receiveConnect(id, ConnectRequest(lastZxidSeen: 0, timeOut: timeout, sessionId: session, passwd: passwd, readOnly: readOnlyFlag), now: now)
        for case .connect(let c, let response) in output.take() where c == id { return response }
        return nil
    }

    func request(_ id: ConnectionID, _ op: OpCode, _ body: ClientRequest.Body) -> (ErrorCode, [UInt8]) {
        xid += 1
        core.receive(id, ClientRequest(xid: xid, op: op, body: body), now: now)
        for case .reply(let c, let x, let err, let bytes) in output.sent where c == id && x == xid { return (err, bytes) }
        Issue.record("no reply to xid \(xid)")
        return (.systemError, [])
    }

    func create(_ id: ConnectionID, _ path: String, mode: CreateMode = .persistent, acl: [ACL] = ACL.openACLUnsafe, op: OpCode = .create) -> ErrorCode {
        request(id, op, .create(CreateRequest(path: path, data: Array(path.utf8), acl: acl, flags: mode.rawValue))).0
    }
}

@Suite struct ServerCoreTests {
    @Test func handshakeNegotiatesTimeoutAndMirrorsTheReadOnlyField() {
        let h = CoreHarness()
        let long = h.connect(1, timeout: 1_000_000, readOnlyFlag: false)!
        #expect(long.timeOut == 60_000)  // 20 ticks of 3000 ms
        #expect(long.readOnly == false)
        let short = h.connect(2, timeout: 10, readOnlyFlag: nil)!
        #expect(short.timeOut == 6_000)
        #expect(short.readOnly == nil)
        #expect(long.passwd.count == 16)
        #expect(long.sessionId != short.sessionId)
        #expect(h.core.lastProcessedZxid == 2)  // each session is a transaction
    }

    @Test func reconnectWithWrongPasswordLooksExpired() {
        let h = CoreHarness()
        let first = h.connect(1)!
        let bad = h.connect(2, session: first.sessionId, passwd: Array(repeating: 7, count: 16))!
        #expect(bad.timeOut == 0 && bad.sessionId == 0)
        let good = h.connect(3, session: first.sessionId, passwd: first.passwd)!
        #expect(good.sessionId == first.sessionId)
    }

    @Test func createChecksRunInApacheOrder() {
        let h = CoreHarness(settings: { var s = ServerSettings(); s.extendedTypesEnabled = true; return s }())
        h.connect(1)
        #expect(h.create(1, "/a") == .ok)
        #expect(h.create(1, "/a") == .nodeExists)
        #expect(h.create(1, "/nope/x") == .noNode)
        #expect(h.create(1, "/nope//x") == .noNode)        // missing parent wins over a bad name
        #expect(h.create(1, "/a/") == .badArguments)       // parent exists, name is bad
        #expect(h.create(1, "/a/.") == .badArguments)
        #expect(h.create(1, "a") == .badArguments)
        #expect(h.create(1, "/a/s-", mode: .persistentSequential) == .ok)
        #expect(h.create(1, "/a/", mode: .persistentSequential) == .ok)  // name is just the counter
        #expect(h.create(1, "/a/acl", acl: []) == .invalidACL)
        #expect(h.create(1, "/e", mode: .ephemeral) == .ok)
        #expect(h.create(1, "/e/c") == .noChildrenForEphemerals)
        #expect(h.create(1, "/t", mode: .persistentWithTTL) == .badArguments)  // TTL mode without a ttl
        #expect(h.request(1, .delete, .delete(DeleteRequest(path: "/zookeeper", version: -1))).0 == .badArguments)
        #expect(h.request(1, .delete, .delete(DeleteRequest(path: "/a", version: -1))).0 == .notEmpty)
        #expect(h.request(1, .setData, .setData(SetDataRequest(path: "/a", data: [], version: 5))).0 == .badVersion)
        #expect(h.request(1, .setACL, .setACL(SetACLRequest(path: "/a", acl: [], version: -1))).0 == .invalidACL)
        #expect(h.request(1, .getData, .getData(GetDataRequest(path: "", watch: false))).0 == .ok)  // "" is the root, as in Apache's tree
    }

    @Test func sequentialNamesComeFromTheParentsCreateCount() throws {
        let h = CoreHarness()
        h.connect(1)
        #expect(h.create(1, "/p") == .ok)
        for i in 0..<3 { #expect(h.create(1, "/p/c\(i)") == .ok) }
        for i in 0..<3 { #expect(h.request(1, .delete, .delete(DeleteRequest(path: "/p/c\(i)", version: -1))).0 == .ok) }
        let (err, body) = h.request(1, .create, .create(CreateRequest(path: "/p/n", data: [], acl: ACL.openACLUnsafe, flags: CreateMode.persistentSequential.rawValue)))
        #expect(err == .ok)
        #expect(try CreateResponse(bytes: body).path == "/p/n0000000003")
    }

    @Test func failedMultiReportsEachOpAndChangesNothing() throws {
        let h = CoreHarness()
        h.connect(1)
        #expect(h.create(1, "/x") == .ok)
        let ops: [MultiOp] = [
            .create(CreateRequest(path: "/m1", data: [], acl: ACL.openACLUnsafe, flags: 0), op: .create),
            .create(CreateRequest(path: "/x", data: [], acl: ACL.openACLUnsafe, flags: 0), op: .create),
            .delete(DeleteRequest(path: "/x", version: -1)),
        ]
        let zxidBefore = h.core.lastProcessedZxid
        let (err, body) = h.request(1, .multi, .multi(MultiRequest(ops: ops)))
        #expect(err == .ok)
        #expect(try MultiResponse(bytes: body).results == [.error(.ok), .error(.nodeExists), .error(.runtimeInconsistency)])
        #expect(h.core.tree.node("/m1") == nil)
        #expect(h.core.lastProcessedZxid == zxidBefore + 1)  // a failed multi still takes a zxid
    }

    @Test func watchEventPrecedesTheReplyThatCausedIt() {
        let h = CoreHarness()
        h.connect(1)
        h.connect(2)
        #expect(h.create(1, "/w") == .ok)
        _ = h.request(2, .getData, .getData(GetDataRequest(path: "/w", watch: true)))
        _ = h.output.take()
        _ = h.request(2, .setData, .setData(SetDataRequest(path: "/w", data: [1], version: -1)))
        let sent = h.output.take()
        guard sent.count == 2, case .event(2, let event) = sent[0], case .reply(2, _, .ok, _) = sent[1] else {
            Issue.record("unexpected \(sent)"); return
        }
        #expect(event == WatcherEvent(type: .nodeDataChanged, state: .syncConnected, path: "/w"))
    }

    @Test func expiredSessionsLoseTheirEphemeralsAndConnection() {
        let h = CoreHarness()
        h.connect(1, timeout: 6_000)
        h.connect(2)
        #expect(h.create(1, "/eph", mode: .ephemeral) == .ok)
        _ = h.request(2, .exists, .exists(ExistsRequest(path: "/eph", watch: true)))
        _ = h.output.take()
        h.now.monotonicMillis += 5_000
        h.core.tick(now: h.now)
        #expect(h.core.tree.node("/eph") != nil)
        h.now.monotonicMillis += 2_000
        h.core.tick(now: h.now)
        #expect(h.core.tree.node("/eph") == nil)
        let sent = h.output.take()
        #expect(sent.contains(.event(2, WatcherEvent(type: .nodeDeleted, state: .syncConnected, path: "/eph"))))
        #expect(sent.contains(.close(1)))
    }

    @Test func superDigestBypassesACLs() {
        var settings = ServerSettings()
        settings.superDigest = "super:D/InIHSb7yEEbrWz8b9l71RjZJU="
        let h = CoreHarness(settings: settings)
        h.connect(1)
        h.connect(2)
        #expect(h.request(1, .auth, .auth(AuthPacket(scheme: "digest", auth: Array("bob:pw".utf8)))).0 == .ok)
        #expect(h.create(1, "/s", acl: ACL.creatorAllACL) == .ok)
        #expect(h.request(2, .getData, .getData(GetDataRequest(path: "/s", watch: false))).0 == .noAuth)
        #expect(h.request(2, .auth, .auth(AuthPacket(scheme: "digest", auth: Array("super:test".utf8)))).0 == .ok)
        #expect(h.request(2, .getData, .getData(GetDataRequest(path: "/s", watch: false))).0 == .ok)
    }

    @Test func unknownAuthSchemeFailsAndCloses() {
        let h = CoreHarness()
        h.connect(1)
        h.xid = -5
        h.core.receive(1, ClientRequest(xid: -4, op: .auth, body: .auth(AuthPacket(scheme: "nosuch", auth: []))), now: h.now)
        #expect(h.output.take() == [.reply(1, xid: -4, err: .authFailed, body: []), .close(1)])
    }

    @Test func emptyContainersAreReaped() {
        var settings = ServerSettings()
        settings.containerCheckIntervalMs = 100
        let h = CoreHarness(settings: settings)
        h.connect(1)
        #expect(h.create(1, "/c", op: .createContainer) == .ok)
        #expect(h.create(1, "/c/child") == .ok)
        #expect(h.request(1, .delete, .delete(DeleteRequest(path: "/c/child", version: -1))).0 == .ok)
        h.now.monotonicMillis += 200
        h.core.tick(now: h.now)
        #expect(h.core.tree.node("/c") == nil)
    }
}

@Suite struct WhoAmIOrderTests {
    @Test func identitiesComeInApachesHashOrder() {
        // Apache 3.8 answers `digest: u1` before `ip: 127.0.0.1` although ip was added first.
        let h = CoreHarness()
        h.connect(1)
        _ = h.request(1, .auth, .auth(AuthPacket(type: 0, scheme: "digest", auth: Array("u1:p1".utf8))))
        let (err, bytes) = h.request(1, .whoAmI, .whoAmI)
        #expect(err == .ok)
        let infos = try? WhoAmIResponse(bytes: bytes).clientInfo
        #expect(infos?.map(\.authScheme) == ["digest", "ip"])
    }
}
