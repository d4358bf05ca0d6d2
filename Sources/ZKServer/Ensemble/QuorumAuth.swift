import NIOCore
import ZKJute
import ZKProtocol
import ZKSecurity

/// Quorum SASL (quorum.auth.*) as Apache's SaslQuorumAuthLearner and SaslQuorumAuthServer run it: the side
/// that dials (an election initiator after its initial message, a learner before FOLLOWERINFO) sends bare
/// QuorumAuthPacket records, IN_PROGRESS with each token; the side that accepts answers IN_PROGRESS with a
/// challenge, SUCCESS with the last token, or ERROR. DIGEST-MD5 over "zkquorum/zk-quorum-sasl-md5", with
/// the QuorumLearner section's username/password against the QuorumServer section's user_* entries.
struct QuorumAuthSettings: Sendable, Equatable {
    var enabled = false
    var learnerRequireSasl = false
    var serverRequireSasl = false
    var learnerSection = "QuorumLearner"
    var serverSection = "QuorumServer"
    /// The QuorumLearner section's credentials and the QuorumServer section's users, once read.
    var learnerUser: (name: String, password: String)?
    var serverUsers: [String: String] = [:]

    static func == (a: Self, b: Self) -> Bool {
        a.enabled == b.enabled && a.learnerRequireSasl == b.learnerRequireSasl && a.serverRequireSasl == b.serverRequireSasl
            && a.learnerSection == b.learnerSection && a.serverSection == b.serverSection
            && a.learnerUser?.name == b.learnerUser?.name && a.learnerUser?.password == b.learnerUser?.password
            && a.serverUsers == b.serverUsers
    }

    /// Apache dials with SASL only when learners must authenticate (otherwise it skips the exchange).
    var dialsWithSasl: Bool { enabled && learnerRequireSasl }
    /// An accepting member looks for an auth packet whenever quorum SASL is on.
    var acceptsSasl: Bool { enabled }
}

enum QuorumAuthStep: Equatable {
    /// Write this packet and wait for the next.
    case send(QuorumAuthPacket)
    /// Write this packet (if any); the connection is authenticated and carries on.
    case done(QuorumAuthPacket?)
    /// Write this packet (if any), then close: the peer failed, or we did.
    case failed(QuorumAuthPacket?, String)
}

/// The dialling side's exchange.
struct QuorumAuthDialer {
    var client: DigestMD5Client

    init(user: String, password: String, cnonce: String) {
        client = DigestMD5Client(username: user, password: password, cnonce: cnonce, service: .quorum, sendsAuthzid: false)
    }

    /// DIGEST-MD5 has no initial response: the first packet carries an empty token.
    var first: QuorumAuthPacket { QuorumAuthPacket(status: .inProgress, token: client.initialResponse) }

    mutating func received(_ packet: QuorumAuthPacket) -> QuorumAuthStep {
        switch QuorumAuthPacket.Status(rawValue: packet.status) {
        case .inProgress?:
            guard let token = packet.token else { return .failed(nil, "the quorum member's saslToken is null") }
            do {
                guard let response = try client.evaluate(token) else { return .failed(nil, "the server ended the exchange early") }
                return .send(QuorumAuthPacket(status: .inProgress, token: response))
            } catch {
                return .failed(nil, error.description)
            }
        case .success?:
            do {
                guard try client.evaluate(packet.token ?? []) == nil, client.isComplete else {
                    return .failed(nil, "Protocol error: attempting to send response after completion")
                }
                return .done(nil)
            } catch {
                return .failed(nil, error.description)
            }
        case .error?, nil:
            return .failed(nil, "Authentication failed against the server")
        }
    }
}

/// The accepting side's exchange.
struct QuorumAuthAcceptor {
    var server: DigestMD5Server
    var rounds = 0
    /// Apache's SaslQuorumAuthServer.MAX_RETRIES.
    static let maxRounds = 5

    init(users: [String: String], nonce: String) {
        server = DigestMD5Server(nonce: nonce, service: .quorum) { users[$0] }
    }

    mutating func received(_ packet: QuorumAuthPacket) -> QuorumAuthStep {
        let error = QuorumAuthPacket(status: .error, token: [])
        do {
            switch try server.evaluate(packet.token ?? []) {
            case .challenge(let challenge):
                rounds += 1
                guard rounds <= Self.maxRounds else { return .failed(error, "too many rounds") }
                return .send(QuorumAuthPacket(status: .inProgress, token: challenge))
            case .complete(_, let token):
                return .done(QuorumAuthPacket(status: .success, token: token))
            }
        } catch {
            return .failed(QuorumAuthPacket(status: .error, token: []), error.description)
        }
    }
}

extension QuorumAuthPacket {
    /// The next whole packet at the front of `buffer` (bare, as Apache writes it: no length prefix), or
    /// nil until it has all arrived. A token longer than `maxToken` is an error.
    static func next(from buffer: inout ByteBuffer, maxToken: Int = 1 << 16) throws -> QuorumAuthPacket? {
        guard buffer.readableBytes >= 16, let length = buffer.getInteger(at: buffer.readerIndex + 12, as: Int32.self) else { return nil }
        guard length <= maxToken else { throw JuteError.invalidLength(field: "QuorumAuthPacket.token", length: length) }
        guard buffer.readableBytes >= 16 + max(0, Int(length)) else { return nil }
        let packet = try QuorumAuthPacket(from: &buffer)
        guard packet.magic == QuorumAuthPacket.magic else { throw JuteError.invalidValue(field: "QuorumAuthPacket.magic", value: packet.magic) }
        return packet
    }

    /// Whether the first long at the front of `buffer` is the auth magic (QuorumAuth.nextPacketIsAuth);
    /// nil until eight bytes have arrived.
    static func isNext(in buffer: ByteBuffer) -> Bool? {
        buffer.getInteger(at: buffer.readerIndex, as: Int64.self).map { $0 == QuorumAuthPacket.magic }
    }
}
