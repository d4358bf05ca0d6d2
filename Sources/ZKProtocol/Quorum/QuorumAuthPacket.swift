import NIOCore
import ZKJute

/// QuorumAuthPacket {long magic; int status; buffer token} (zookeeper.jute): the SASL exchange that
/// opens an election or learner connection when quorum.auth.enableSasl is set (SaslQuorumAuthLearner /
/// SaslQuorumAuthServer, written as a bare record). Without quorum SASL nothing is exchanged. The
/// magic is negative so that a server can tell an auth packet from an election initial message or a
/// QuorumPacket by peeking at the first long (QuorumAuth.nextPacketIsAuth).
public struct QuorumAuthPacket: JuteRecord, Hashable {
    /// Java's `-0xa0dbcafecafe1234L`: the hex literal is already a negative long (bit 63 set), so the
    /// negation makes it positive. The comment in QuorumAuth calls it negative; on the wire it is not.
    public static let magic: Int64 = 0x5f24_3501_3501_edcc

    /// QuorumAuth.Status.
    public enum Status: Int32, Sendable { case inProgress = 0, success = 1, error = -1 }

    public var magic: Int64
    public var status: Int32
    public var token: [UInt8]?

    public init(status: Status, token: [UInt8]?) { self.magic = Self.magic; self.status = status.rawValue; self.token = token }
    public init(magic: Int64, status: Int32, token: [UInt8]?) { self.magic = magic; self.status = status; self.token = token }

    public func encode(into b: inout ByteBuffer) { b.writeJuteLong(magic); b.writeJuteInt(status); b.writeJuteBuffer(token) }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        magic = try b.readJuteLong("QuorumAuthPacket.magic"); status = try b.readJuteInt("QuorumAuthPacket.status")
        token = try b.readJuteOptionalBuffer("QuorumAuthPacket.token")
    }

    /// nil until 8 bytes have arrived.
    public static func nextIsAuth(_ b: ByteBuffer) -> Bool? {
        b.getInteger(at: b.readerIndex, as: Int64.self).map { $0 == magic }
    }
}
