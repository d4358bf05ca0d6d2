import NIOCore
import ZKDataTree
import ZKJute
import ZKProtocol
import ZKSecurity

extension ServerCore {
    /// One SASL token (opcode 102), as Apache's ZooKeeperServer.processSasl: DIGEST-MD5 against the JAAS
    /// `Server` users. Success adds the `sasl` id (and `super` for zookeeper.superUser); a failure answers
    /// AuthFailed (SessionClosedRequireSaslAuth when SASL is enforced) and closes the connection, unless
    /// zookeeper.allowSaslFailedClients keeps it.
    func sasl(_ id: ConnectionID, _ request: GetSASLRequest, xid: Int32) {
        guard let settingsSASL = settings.sasl else {
            // Apache has no SaslServer without a Server section: it logs and answers OK with no token.
            return saslReply(id, xid: xid, token: nil)
        }
        var exchange = saslExchanges[id] ?? DigestMD5Server(nonce: nonceSource()) { settingsSASL.password(of: $0) }
        do {
            let step = try exchange.evaluate(request.bytes)
            saslExchanges[id] = exchange
            switch step {
            case .challenge(let token):
                saslReply(id, xid: xid, token: token)
            case .complete(let authorizationID, let token):
                log(.info, "Session \(sessionIdForLog(id)): adding SASL authorization for authorizationID: \(authorizationID)")
                connections[id]?.addAuthId(Id(scheme: "sasl", id: authorizationID))
                if settingsSASL.superUsers.contains(authorizationID) {
                    connections[id]?.addAuthId(Id(scheme: "super", id: ""))
                }
                saslReply(id, xid: xid, token: token)
            }
        } catch {
            saslExchanges[id] = exchange
            stats.authFailedCount += 1
            log(.warning, "Client \(clientName(id)) failed to SASL authenticate: \(error)")
            let required = settings.enforcedAuthSchemes.contains("sasl")
            if settings.allowSaslFailedClients && !required {
                log(.warning, "Maintaining client connection despite SASL authentication failure.")
                return saslReply(id, xid: xid, token: nil)
            }
            saslReply(id, xid: xid, token: nil, err: required ? .sessionClosedRequireSaslAuth : .authFailed)
            closeConnection(id)
        }
    }

    private func saslReply(_ id: ConnectionID, xid: Int32, token: [UInt8]?, err: ErrorCode = .ok) {
        noteReply(id)
        output.send(id, ReplyHeader(xid: xid, zxid: 0, err: err), SASLResponseToken(token: token))
    }

    func sessionIdForLog(_ id: ConnectionID) -> String { (connections[id]?.sessionId ?? 0).hexForLog }

    /// enforce.auth.enabled: whether the connection may send anything but auth and SASL packets. One that
    /// may not gets SessionClosedRequireSaslAuth and is closed (AuthenticationHelper.enforceAuthentication).
    func passesEnforcedAuth(_ id: ConnectionID, xid: Int32) -> Bool {
        guard !settings.enforcedAuthSchemes.isEmpty, let connection = connections[id] else { return true }
        if connection.authIds.contains(where: { settings.enforcedAuthSchemes.contains($0.scheme) }) { return true }
        log(.error, "Client authentication scheme(s) \(connection.authIds.map(\.scheme).joined(separator: ", ")) does not match with any "
            + "of the expected authentication scheme \(settings.enforcedAuthSchemes.sorted().joined(separator: ", ")), closing session.")
        stats.authFailedCount += 1
        noteReply(id)
        output.send(id, ReplyHeader(xid: xid, zxid: 0, err: ErrorCode.sessionClosedRequireSaslAuth))
        closeConnection(id)
        return false
    }
}

extension ServerCore {
    /// A TLS client's certificate, as Apache's X509AuthenticationProvider takes it: its subject becomes the
    /// connection's `x509` id (and `super` for zookeeper.X509AuthenticationProvider.superUser). With no
    /// x509 provider (a unified port without authProvider.x509), Apache closes a connection that showed one.
    public func certificatePresented(_ id: ConnectionID, subject: String?) {
        guard let subject, connections[id] != nil else { return }
        guard settings.authProviders.x509 else {
            log(.error, "X509 Auth provider not found: x509")
            return closeConnection(id)
        }
        if subject == settings.x509SuperUser {
            connections[id]?.addAuthId(Id(scheme: "super", id: subject))
            log(.info, "Authenticated Id '\(subject)' as super user")
        }
        connections[id]?.addAuthId(Id(scheme: "x509", id: subject))
        log(.info, "Authenticated Id '\(subject)' for Scheme 'x509'")
    }
}

/// SetSASLResponse with Apache's null token (length -1) where it has none.
struct SASLResponseToken: JuteEncodable {
    var token: [UInt8]?
    func encode(into b: inout ByteBuffer) { b.writeJuteBuffer(token) }
}
