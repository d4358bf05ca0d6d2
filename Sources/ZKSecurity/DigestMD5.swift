#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto

/// SASL DIGEST-MD5 (RFC 2831) as ZooKeeper uses it: authentication only (qop=auth), service
/// "zookeeper", server name and realm "zk-sasl-md5" (Apache's SaslServer and SecurityUtils.createSaslClient).
/// The exchange is pure: nonces come in from the caller, so recorded exchanges replay exactly.
public enum DigestMD5 {
    /// Who the exchange is with: the service and server name make the digest-uri, the server name the realm.
    public struct Service: Sendable, Equatable {
        public var name: String
        public var serverName: String
        public var digestURI: String { name + "/" + serverName }
        /// Client connections (ZooKeeperSaslServer).
        public static let client = Service(name: "zookeeper", serverName: "zk-sasl-md5")
        /// Election and learner connections (QuorumAuth.QUORUM_SERVER_PROTOCOL_NAME, QUORUM_SERVER_SASL_DIGEST).
        public static let quorum = Service(name: "zkquorum", serverName: "zk-quorum-sasl-md5")
    }

    /// `key=value` or `key="quoted \" value"` directives separated by commas, spaces allowed around them.
    public static func parseDirectives(_ token: [UInt8]) -> [String: String]? {
        var out: [String: String] = [:]
        var i = 0
        func skipSpaceAndCommas() { while i < token.count, token[i] == 0x20 || token[i] == 0x09 || token[i] == 0x2C || token[i] == 0x0A || token[i] == 0x0D { i += 1 } }
        skipSpaceAndCommas()
        while i < token.count {
            let keyStart = i
            while i < token.count, token[i] != 0x3D, token[i] != 0x2C { i += 1 }
            guard i < token.count, token[i] == 0x3D else { return nil }
            let key = String(decoding: token[keyStart..<i], as: UTF8.self).trimmingSpaces().lowercased()
            i += 1
            while i < token.count, token[i] == 0x20 || token[i] == 0x09 { i += 1 }
            var value: [UInt8] = []
            if i < token.count, token[i] == 0x22 {
                i += 1
                var closed = false
                while i < token.count {
                    if token[i] == 0x5C, i + 1 < token.count { value.append(token[i + 1]); i += 2; continue }
                    if token[i] == 0x22 { closed = true; i += 1; break }
                    value.append(token[i]); i += 1
                }
                guard closed else { return nil }
            } else {
                while i < token.count, token[i] != 0x2C { value.append(token[i]); i += 1 }
                while value.last == 0x20 || value.last == 0x09 { value.removeLast() }
            }
            guard !key.isEmpty, out[key] == nil else { return nil }
            out[key] = String(decoding: value, as: UTF8.self)
            skipSpaceAndCommas()
        }
        return out
    }

    /// A quoted-string value with `"` and `\` escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s { if c == "\"" || c == "\\" { out.append("\\") }; out.append(c) }
        return out + "\""
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 0xF)]) }
        return s
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    /// The client's response value (A2 = "AUTHENTICATE:uri") and the server's rspauth (A2 = ":uri") for qop=auth.
    static func digests(username: String, realm: String, password: String, nonce: String, cnonce: String,
                        nc: String, authzid: String?, digestURI: String) -> (response: String, rspauth: String) {
        let secret = md5(Array("\(username):\(realm):\(password)".utf8))
        var a1 = secret + Array(":\(nonce):\(cnonce)".utf8)
        if let authzid { a1 += Array(":\(authzid)".utf8) }
        let ha1 = hex(md5(a1))
        func kd(_ a2: String) -> String { hex(md5(Array("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(hex(md5(Array(a2.utf8))))".utf8))) }
        return (kd("AUTHENTICATE:" + digestURI), kd(":" + digestURI))
    }

    /// A nonce as the JDK's server makes one: 30 random bytes in base64, 40 characters without padding.
    public static func makeNonce<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 { withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) } }
        return Data(bytes.prefix(30)).base64EncodedString()
    }
}

/// The server side of one DIGEST-MD5 exchange: an empty first token gets the challenge; the client's
/// digest-response, once checked, gets `rspauth` and completes the exchange. Errors carry the JDK
/// server's messages, which Apache logs.
public struct DigestMD5Server: Sendable {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        init(_ message: String) { self.message = "DIGEST-MD5: " + message }
    }

    public enum Step: Equatable, Sendable {
        /// Send this token and wait for the client's next.
        case challenge([UInt8])
        /// Send this last token (rspauth); the client is authenticated as `authorizationID`.
        case complete(authorizationID: String, token: [UInt8])
    }

    enum State: Sendable { case start, challenged, done }

    public let realm: String
    let digestURI: String
    let nonce: String
    let passwordOf: @Sendable (String) -> String?
    var state = State.start
    public private(set) var authorizationID: String?

    /// - Parameter passwordOf: the user's password, nil for a user the server does not know.
    public init(nonce: String, service: DigestMD5.Service = .client, passwordOf: @escaping @Sendable (String) -> String?) {
        self.nonce = nonce; self.realm = service.serverName; self.digestURI = service.digestURI; self.passwordOf = passwordOf
    }

    public var isComplete: Bool { state == .done }

    public mutating func evaluate(_ token: [UInt8]) throws(Failure) -> Step {
        switch state {
        case .start:
            // The JDK's server ignores what the first token holds (clients send none), up to its length limit.
            guard token.count <= 4096 else { throw Failure("Invalid digest response length. Got:  \(token.count) Expected < 4096") }
            state = .challenged
            let challenge = "realm=\(DigestMD5.quote(realm)),nonce=\(DigestMD5.quote(nonce)),charset=utf-8,algorithm=md5-sess"
            return .challenge(Array(challenge.utf8))
        case .challenged:
            // Whatever happens now, this exchange is over: a failed response cannot be retried on it.
            state = .done
            let (id, rspauth) = try check(token)
            authorizationID = id
            return .complete(authorizationID: id, token: Array("rspauth=\(rspauth)".utf8))
        case .done:
            throw Failure("Server at illegal state")
        }
    }

    /// As the JDK's DigestMD5Server: the nonce count is not read (the digest uses what the client sent, so a
    /// count other than 1 fails as a mismatched response), and the id is the username whatever authzid says.
    private func check(_ token: [UInt8]) throws(Failure) -> (String, String) {
        guard token.count <= 4096 else { throw Failure("Invalid digest response length. Got:  \(token.count) Expected < 4096") }
        guard let d = DigestMD5.parseDirectives(token) else { throw Failure("digest response format violation.") }
        func required(_ key: String, _ name: String) throws(Failure) -> String {
            guard let value = d[key] else { throw Failure("digest response format violation. Missing \(name).") }
            return value
        }
        let username = try required("username", "username")
        let clientRealm = try required("realm", "realm")
        guard clientRealm == realm else { throw Failure("digest response format violation. Nonexistent realm: \(clientRealm)") }
        guard try required("nonce", "nonce") == nonce else { throw Failure("digest response format violation. Mismatched nonce.") }
        let cnonce = try required("cnonce", "cnonce")
        let nc = d["nc"] ?? "00000001"
        if let qop = d["qop"], qop != "auth" { throw Failure("digest response format violation. Invalid QOP: \(qop)") }
        if let charset = d["charset"], charset.lowercased() != "utf-8" { throw Failure("digest response format violation. Unrecognised charset value: \(charset)") }
        let uri = try required("digest-uri", "digest-uri")
        guard uri.lowercased() == digestURI.lowercased() else {
            throw Failure("digest response format violation. Mismatched URI: \(uri); expecting: \(digestURI)")
        }
        let response = try required("response", "response")
        guard let password = passwordOf(username) else { throw Failure("cannot acquire password for \(username) in realm : \(realm)") }
        let authzid = d["authzid"]
        let expected = DigestMD5.digests(username: username, realm: clientRealm, password: password, nonce: nonce, cnonce: cnonce,
                                         nc: nc, authzid: authzid, digestURI: uri)
        guard response == expected.response else { throw Failure("digest response format violation. Mismatched response.") }
        return (username, expected.rspauth)
    }
}

/// The client side: answers the server's challenge and checks its rspauth (zkcli --sasl, quorum learners).
public struct DigestMD5Client: Sendable {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    let username: String
    let password: String
    let cnonce: String
    let digestURI: String
    let authzid: String?
    var expectedRspauth: String?
    public private(set) var isComplete = false

    /// - Parameter sendsAuthzid: the username as authzid too, as Apache's client sends it (its quorum
    ///   learner does not).
    public init(username: String, password: String, cnonce: String, service: DigestMD5.Service = .client, sendsAuthzid: Bool = true) {
        self.username = username; self.password = password; self.cnonce = cnonce
        self.digestURI = service.digestURI; self.authzid = sendsAuthzid ? username : nil
    }

    /// The first token: empty, for Java's server takes no initial response.
    public var initialResponse: [UInt8] { [] }

    /// The answer to a server token; nil once the server's rspauth checks out.
    public mutating func evaluate(_ challenge: [UInt8]) throws(Failure) -> [UInt8]? {
        guard let d = DigestMD5.parseDirectives(challenge) else { throw Failure(message: "DIGEST-MD5: the server's challenge does not parse") }
        if let rspauth = d["rspauth"] {
            guard let expectedRspauth, rspauth.lowercased() == expectedRspauth else {
                throw Failure(message: "DIGEST-MD5: the server did not prove it knows the password (rspauth mismatch)")
            }
            isComplete = true
            return nil
        }
        guard let nonce = d["nonce"] else { throw Failure(message: "DIGEST-MD5: the server's challenge has no nonce") }
        let qops = (d["qop"] ?? "auth").split(separator: ",").map { $0.trimmingSpaces() }
        guard qops.contains("auth") else { throw Failure(message: "DIGEST-MD5: the server does not offer qop=auth") }
        guard let realm = d["realm"] else { throw Failure(message: "DIGEST-MD5: the server's challenge has no realm") }
        let nc = "00000001"
        let uri = digestURI
        let (response, rspauth) = DigestMD5.digests(username: username, realm: realm, password: password, nonce: nonce, cnonce: cnonce,
                                                    nc: nc, authzid: authzid, digestURI: uri)
        expectedRspauth = rspauth
        // The JDK client's order of directives.
        var text = "charset=utf-8,username=\(DigestMD5.quote(username)),realm=\(DigestMD5.quote(realm)),nonce=\(DigestMD5.quote(nonce)),"
            + "nc=\(nc),cnonce=\(DigestMD5.quote(cnonce)),digest-uri=\(DigestMD5.quote(uri)),maxbuf=65536,response=\(response),qop=auth"
        if let authzid { text += ",authzid=\(DigestMD5.quote(authzid))" }
        return Array(text.utf8)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
