import Foundation
import Testing
@testable import ZKSecurity

@Suite struct DigestMD5Tests {
    static let users = ["jaasuser": "jaas_password", "super": "super_secret"]

    static func server(nonce: String = "server-nonce") -> DigestMD5Server {
        DigestMD5Server(nonce: nonce) { users[$0] }
    }

    @Test func rfc2831sExampleDigests() {
        // RFC 2831 section 4: the response and rspauth of its IMAP example.
        let args = (username: "chris", realm: "elwood.innosoft.com", password: "secret", nonce: "OA6MG9tEQGm2hh", cnonce: "OA6MHXh6VqTrRk")
        let digests = DigestMD5.digests(username: args.username, realm: args.realm, password: args.password, nonce: args.nonce,
                                        cnonce: args.cnonce, nc: "00000001", authzid: nil, digestURI: "imap/elwood.innosoft.com")
        #expect(digests.response == "d388dad90d4bbd760a152321f2143af7")
        #expect(digests.rspauth == "ea40f60335c427b5527b84dbabcdfffd")
    }

    @Test func ourClientAndServerAgree() throws {
        var server = Self.server()
        var client = DigestMD5Client(username: "jaasuser", password: "jaas_password", cnonce: "client-nonce")
        guard case .challenge(let challenge) = try server.evaluate(client.initialResponse) else { Issue.record("no challenge"); return }
        #expect(String(decoding: challenge, as: UTF8.self) == #"realm="zk-sasl-md5",nonce="server-nonce",charset=utf-8,algorithm=md5-sess"#)
        let response = try #require(try client.evaluate(challenge))
        guard case .complete(let id, let rspauth) = try server.evaluate(response) else { Issue.record("not complete"); return }
        #expect(id == "jaasuser")
        #expect(try client.evaluate(rspauth) == nil)
        #expect(client.isComplete && server.isComplete)
    }

    @Test(arguments: [("jaasuser", "wrong"), ("nobody", "jaas_password")])
    func aWrongPasswordOrAnUnknownUserFails(user: String, password: String) throws {
        var server = Self.server()
        var client = DigestMD5Client(username: user, password: password, cnonce: "c")
        guard case .challenge(let challenge) = try server.evaluate([]) else { Issue.record("no challenge"); return }
        let response = try #require(try client.evaluate(challenge))
        #expect(throws: DigestMD5Server.Failure.self) { try server.evaluate(response) }
        // The exchange is spent: the right answer now fails too.
        #expect(throws: DigestMD5Server.Failure.self) { try server.evaluate(response) }
    }

    @Test func badTokensFail() throws {
        // The first token's content is ignored, as the JDK's; only its length is checked.
        var first = Self.server()
        #expect(throws: Never.self) { try first.evaluate(Array("hello".utf8)) }
        var long = Self.server()
        #expect(throws: DigestMD5Server.Failure.self) { try long.evaluate([UInt8](repeating: 0x61, count: 4097)) }
        for bad in ["hello", "", #"username="jaasuser",nonce="other",nc=00000001,cnonce="c",digest-uri="zookeeper/zk-sasl-md5",response=00,qop=auth"#,
                    #"username="jaasuser",nonce="server-nonce",nc=00000001,cnonce="c",digest-uri="http/elsewhere",response=00,qop=auth"#,
                    #"username="jaasuser",nonce="server-nonce",nc=00000002,cnonce="c",digest-uri="zookeeper/zk-sasl-md5",response=00,qop=auth"#,
                    #"username="jaasuser",nonce="server-nonce",nc=00000001,cnonce="c",digest-uri="zookeeper/zk-sasl-md5",response=00,qop=auth-conf"#] {
            var server = Self.server()
            _ = try server.evaluate([])
            #expect(throws: DigestMD5Server.Failure.self, "\(bad)") { try server.evaluate(Array(bad.utf8)) }
        }
    }

    @Test func directivesParseQuotesEscapesAndSpaces() {
        let d = DigestMD5.parseDirectives(Array(#" a = "x\"y" , b=plain,c="", d="1,2" "#.utf8))
        #expect(d == ["a": "x\"y", "b": "plain", "c": "", "d": "1,2"])
        #expect(DigestMD5.parseDirectives(Array(#"a="open"#.utf8)) == nil)
        #expect(DigestMD5.parseDirectives(Array("a=1,a=2".utf8)) == nil)
        #expect(DigestMD5.parseDirectives(Array("novalue".utf8)) == nil)
    }

    @Test func noncesAreFreshAndQuotable() {
        var g = SystemRandomNumberGenerator()
        let a = DigestMD5.makeNonce(using: &g), b = DigestMD5.makeNonce(using: &g)
        #expect(a != b && a.count == 40 && !a.contains("\"") && !a.contains("="))
    }
}

/// Apache 3.8.0's own exchanges (Fixtures/sasl/apache-digest-md5.json, see its README), replayed with the
/// nonce Apache chose: our server must answer each client token as Apache's did.
@Suite struct ApacheDigestMD5ReplayTests {
    struct Step: Decodable {
        var client_token: String
        var err: Int
        var server_token: String?
        var nonce: String?
    }
    struct Scenario: Decodable {
        var user: String?
        var steps: [Step]?
    }

    static func scenarios() throws -> [String: Scenario] {
        let url = try #require(Bundle.module.url(forResource: "apache-digest-md5", withExtension: "json", subdirectory: "Fixtures/sasl"))
        struct File: Decodable { var scenarios: [String: Scenario] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).scenarios
    }

    @Test func everyRecordedExchangeGetsApachesAnswers() throws {
        var replayed = 0
        for (name, scenario) in try Self.scenarios().sorted(by: { $0.key < $1.key }) where !name.hasPrefix("APACHE_BUG_") {
            guard let steps = scenario.steps, steps.count >= 1 else { continue }
            // The nonce Apache sent in its challenge.
            guard let challenge = steps.first?.server_token,
                  let nonce = DigestMD5.parseDirectives(Array(challenge.utf8))?["nonce"] else { continue }
            var server = DigestMD5Server(nonce: nonce) { DigestMD5Tests.users[$0] }
            for step in steps {
                let answer: DigestMD5Server.Step?
                do { answer = try server.evaluate(Array(step.client_token.utf8)) } catch { answer = nil }
                if step.err == 0 {
                    let token: [UInt8]?
                    switch answer {
                    case .challenge(let t)?: token = t
                    case .complete(_, let t)?: token = t
                    case nil: token = nil
                    }
                    #expect(token.map { String(decoding: $0, as: UTF8.self) } == step.server_token, "\(name)")
                } else {
                    #expect(answer == nil, "\(name): Apache failed this step")
                    break
                }
            }
            replayed += 1
        }
        #expect(replayed >= 8)
    }
}

@Suite struct JAASConfigTests {
    @Test func kazoosServerSection() throws {
        let text = """
        Server {
            org.apache.zookeeper.server.auth.DigestLoginModule required
            user_super="super_secret"
            user_jaasuser="jaas_password";
        };
        // a client section
        Client { org.apache.zookeeper.server.auth.DigestLoginModule required username="bob" password="p\\"w"; };
        /* QuorumServer {
           ... }; */
        """
        let jaas = try JAASConfig.parse(text)
        #expect(jaas.digestUsers(section: "Server") == ["super": "super_secret", "jaasuser": "jaas_password"])
        #expect(jaas.option("username", section: "Client") == "bob")
        #expect(jaas.option("password", section: "Client") == "p\"w")
        #expect(jaas.sections["QuorumServer"] == nil)
        #expect(try JAASConfig.parse("").sections.isEmpty)
    }

    @Test(arguments: [("Server {\n  Module required a=\"b\";\n", 1), ("Server {\n Module a=\"b\"; };", 2),
                      ("Server { Module required a=; };", 1), ("Server { Module required a=\"b\" };\n", 1),
                      ("Server\n{ Module required\n a=\"unclosed; };", 3)])
    func mistakesNameTheirLine(text: String, line: Int) {
        #expect(throws: JAASConfig.ParseError.self) { try JAASConfig.parse(text) }
        do { _ = try JAASConfig.parse(text) } catch { #expect(error.line == line, "\(error)") }
    }
}
