import NIOCore
import ZKJute

/// QuorumPacket {int type; long zxid; buffer data; vector<Id> authinfo} (zookeeper.jute, module
/// org.apache.zookeeper.server.quorum): the unit of the leader <-> learner connection. Apache writes it
/// with BinaryOutputArchive.writeRecord straight onto the socket, with no outer length prefix, so a
/// reader finds its end by walking the fields (QuorumPacketDecoder).
///
/// `type` stays a raw Int32: Apache logs and skips unknown types instead of failing the connection.
/// `data` and `authinfo` keep the null form (-1) apart from the empty one, because Apache sends null for
/// most packets and the bytes must match.
public struct QuorumPacket: JuteRecord, Hashable {
    public var type: Int32
    public var zxid: Int64
    /// A ByteBuffer, so a proposal's transaction goes from the log entry to the socket (and from the socket
    /// to the log entry) with one copy and no array.
    public var data: ByteBuffer?
    public var authinfo: [Id]?

    public init(type: Int32, zxid: Int64, data: ByteBuffer? = nil, authinfo: [Id]? = nil) {
        self.type = type; self.zxid = zxid; self.data = data; self.authinfo = authinfo
    }

    public init(_ type: QuorumPacketType, zxid: Int64, data: ByteBuffer? = nil, authinfo: [Id]? = nil) {
        self.init(type: type.rawValue, zxid: zxid, data: data, authinfo: authinfo)
    }

    public init(type: Int32, zxid: Int64, bytes: [UInt8]?, authinfo: [Id]? = nil) {
        self.init(type: type, zxid: zxid, data: bytes.map { ByteBuffer(bytes: $0) }, authinfo: authinfo)
    }

    public init(_ type: QuorumPacketType, zxid: Int64, bytes: [UInt8]?, authinfo: [Id]? = nil) {
        self.init(type: type.rawValue, zxid: zxid, bytes: bytes, authinfo: authinfo)
    }

    /// `data` as bytes (nil when null).
    public var dataBytes: [UInt8]? { data.map { Array($0.readableBytesView) } }

    /// nil for a type Apache does not define.
    public var packetType: QuorumPacketType? { QuorumPacketType(rawValue: type) }

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteInt(type); b.writeJuteLong(zxid); b.writeJuteByteBuffer(data); b.writeJuteRecords(authinfo)
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        type = try b.readJuteInt("QuorumPacket.type")
        zxid = try b.readJuteLong("QuorumPacket.zxid")
        data = try b.readJuteOptionalByteBuffer("QuorumPacket.data")
        // An Id is two strings, at least 8 bytes.
        authinfo = try b.readJuteOptionalVector("QuorumPacket.authinfo", minimumElementSize: 8) {
            (e: inout ByteBuffer) throws(JuteError) in try Id(from: &e)
        }
    }

    /// Decodes `data` as the payload record of this packet kind; null data reads as empty, as Apache's
    /// ByteBuffer.wrap would fail on it anyway for every kind that has a payload.
    public func payload<T: JuteDecodable>(_: T.Type) throws(JuteError) -> T {
        try T(bytes: data?.readableBytesView ?? ByteBuffer().readableBytesView)
    }
}
