import NIOCore
import Testing
import ZKDataTree
import ZKJute
import ZKProtocol
import ZKSecurity
import ZKServerCore

/// Client SASL (opcode 102) in the core, as Apache's processSasl: DIGEST-MD5 against the JAAS users.
@Suite struct SASLTests {
    static func settings(_ change: (inout ServerSettings) -> Void = { _ in }) -> ServerSettings {
        var s = ServerSettings()
        s.sasl = SASLSettings(users: ["jaasuser": "jaas_password", "boss": "pw"], superUsers: ["boss"])
        s.authProviders.sasl = true
        change(&s)
        return s
    }

    /// Runs the exchange; returns each reply's error code.
    static func authenticate(_ h: CoreHarness, _ id: ConnectionID, user: String, password: String) -> [ErrorCode] {
        var client = DigestMD5Client(username: user, password: password, cnonce: "cnonce")
        var token = client.initialResponse
        var codes: [ErrorCode] = []
        _ = h.output.take()
        for xid: Int32 in 1001...1003 {
            h.core.receive(id, ClientRequest(xid: xid, op: .sasl, body: .sasl(GetSASLRequest(bytes: token))), now: h.now)
            guard case .reply(id, xid, let err, let body)? = h.output.take().first else { break }
            codes.append(err)
            guard err == .ok else { break }
            var b = ByteBuffer(bytes: body)
            let challenge = (try? b.readJuteOptionalBuffer("token")) ?? nil
            guard let next = try? client.evaluate(challenge ?? []) else { break }
            token = next
        }
        return codes
    }

    @Test func digestMD5AddsTheSaslIdAndItsACLsWork() {
        let h = CoreHarness(settings: Self.settings())
        h.core.nonceSource = { "fixed-nonce" }
        h.connect(1)
        h.connect(2)
        #expect(Self.authenticate(h, 1, user: "jaasuser", password: "jaas_password") == [.ok, .ok])
        #expect(h.core.connections[1]!.authIds.contains(Id(scheme: "sasl", id: "jaasuser")))
        #expect(h.create(1, "/mine", acl: [ACL(perms: .all, id: Id(scheme: "sasl", id: "jaasuser"))]) == .ok)
        #expect(h.request(2, .getData, .getData(GetDataRequest(path: "/mine", watch: false))).0 == .noAuth)
        #expect(h.request(1, .getData, .getData(GetDataRequest(path: "/mine", watch: false))).0 == .ok)
        // "auth" stands for the SASL id too; a malformed Kerberos name is no valid sasl id.
        #expect(h.create(1, "/auth", acl: [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]) == .ok)
        #expect(h.core.tree.node("/auth")?.acl.contains(ACL(perms: .all, id: Id(scheme: "sasl", id: "jaasuser"))) == true)
        #expect(h.create(1, "/bad", acl: [ACL(perms: .all, id: Id(scheme: "sasl", id: "a@b@c"))]) == .invalidACL)
    }

    @Test func saslACLsStayValidAcrossARoleChange() {
        // A member that stops serving (an election) starts its next role with a fresh preparer: it must
        // still know the sasl provider, or a forwarded create with a sasl ACL is InvalidACL on the leader.
        let h = CoreHarness(settings: Self.settings())
        h.core.stopServing()
        h.core.becomeLeader(epoch: 1, now: h.now)
        h.connect(1)
        #expect(h.create(1, "/s", acl: [ACL(perms: .all, id: Id(scheme: "sasl", id: "jaasuser"))]) == .ok)
    }

    @Test func theSuperUserPassesEveryACL() {
        let h = CoreHarness(settings: Self.settings())
        h.connect(1)
        h.connect(2)
        #expect(h.create(1, "/locked", acl: [ACL(perms: .all, id: Id(scheme: "digest", id: "x:y"))]) == .ok)
        #expect(Self.authenticate(h, 2, user: "boss", password: "pw") == [.ok, .ok])
        #expect(h.request(2, .getData, .getData(GetDataRequest(path: "/locked", watch: false))).0 == .ok)
    }

    @Test func aFailedExchangeAnswersAuthFailedAndCloses() {
        let h = CoreHarness(settings: Self.settings())
        h.connect(1)
        var client = DigestMD5Client(username: "jaasuser", password: "nope", cnonce: "c")
        h.core.receive(1, ClientRequest(xid: 1, op: .sasl, body: .sasl(GetSASLRequest(bytes: []))), now: h.now)
        guard case .reply(1, 1, .ok, let body)? = h.output.take().first else { Issue.record("no challenge"); return }
        var b = ByteBuffer(bytes: body)
        let challenge = try! b.readJuteBuffer("token")
        let response = try! client.evaluate(challenge)!
        h.core.receive(1, ClientRequest(xid: 2, op: .sasl, body: .sasl(GetSASLRequest(bytes: response))), now: h.now)
        // The token is null (-1), as Apache's SetSASLResponse(null).
        #expect(h.output.take() == [.reply(1, xid: 2, err: .authFailed, body: [0xff, 0xff, 0xff, 0xff]), .close(1)])
        #expect(h.core.stats.authFailedCount == 1)
    }

    @Test func allowSaslFailedClientsKeepsTheConnection() {
        let h = CoreHarness(settings: Self.settings { $0.allowSaslFailedClients = true })
        h.connect(1)
        #expect(Self.authenticate(h, 1, user: "nobody", password: "x") == [.ok, .ok])
        #expect(!h.core.connections[1]!.authIds.contains { $0.scheme == "sasl" })
        #expect(h.request(1, .exists, .exists(ExistsRequest(path: "/", watch: false))).0 == .ok)
    }

    @Test func enforcedSaslClosesAnUnauthenticatedRequestAndLetsAnAuthenticatedOneIn() {
        let h = CoreHarness(settings: Self.settings { $0.enforcedAuthSchemes = ["sasl"] })
        h.connect(1)
        h.connect(2)
        h.core.receive(1, ClientRequest(xid: 7, op: .exists, body: .exists(ExistsRequest(path: "/", watch: false))), now: h.now)
        #expect(h.output.take() == [.reply(1, xid: 7, err: .sessionClosedRequireSaslAuth, body: []), .close(1)])
        #expect(Self.authenticate(h, 2, user: "jaasuser", password: "jaas_password") == [.ok, .ok])
        #expect(h.request(2, .exists, .exists(ExistsRequest(path: "/", watch: false))).0 == .ok)
        // With SASL required, a failed exchange says so.
        h.connect(3)
        #expect(Self.authenticate(h, 3, user: "jaasuser", password: "bad") == [.ok, .sessionClosedRequireSaslAuth])
    }

    @Test func withoutAJAASServerSectionSASLGetsAnEmptyAnswer() {
        let h = CoreHarness()
        h.connect(1)
        h.core.receive(1, ClientRequest(xid: 1, op: .sasl, body: .sasl(GetSASLRequest(bytes: []))), now: h.now)
        #expect(h.output.take() == [.reply(1, xid: 1, err: .ok, body: [0xff, 0xff, 0xff, 0xff])])
        // Nor is sasl a valid ACL scheme without its provider.
        #expect(h.create(1, "/s", acl: [ACL(perms: .all, id: Id(scheme: "sasl", id: "u"))]) == .invalidACL)
    }
}
