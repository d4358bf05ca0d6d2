import NIOCore
import ZKJute

/// PROPOSAL and INFORM data: one transaction as Util.marshallTxnEntry writes it (the log entry body,
/// without the log's crc, length and 0x42 trailer): TxnHeader, the txn record named by header.type
/// (absent for a closeSession from before 3.6), then, when digests are enabled (the 3.8 default), a
/// TxnDigest {int version; long treeDigest}.
///
/// Which record follows depends on header.type, and the record types live with the data tree, so the
/// record and digest are kept as the bytes they arrived as; `split` separates them given the record's
/// decoder. Keeping the bytes also lets a leader forward a proposal to observers (INFORM) unchanged.
public struct SerializedTxn: JuteRecord, Hashable {
    public static let digestSize = 12

    public var header: TxnHeader
    /// The txn record followed by the optional digest.
    public var body: [UInt8]

    public init(header: TxnHeader, body: [UInt8]) { self.header = header; self.body = body }

    /// Assembles header, record bytes and digest the way marshallTxnEntry does.
    public init(header: TxnHeader, record: (any JuteEncodable)?, digest: TxnDigest?) {
        var b = ByteBuffer()
        record?.encode(into: &b)
        digest?.encode(into: &b)
        self.init(header: header, body: b.readBytes(length: b.readableBytes) ?? [])
    }

    public func encode(into b: inout ByteBuffer) { header.encode(into: &b); b.writeBytes(body) }

    /// Consumes the rest of the buffer.
    public init(from b: inout ByteBuffer) throws(JuteError) {
        header = try TxnHeader(from: &b)
        body = b.readBytes(length: b.readableBytes) ?? []
    }

    /// The record and the digest, read as SerializeUtils.deserializeTxn does: the record first, then a
    /// digest if at least 12 bytes remain. Apache reads nothing past the digest and treats fewer than 12
    /// remaining bytes as "no digest"; both of those are errors here, since no Apache server writes them.
    public func split<Record>(
        _ decodeRecord: (inout ByteBuffer) throws(JuteError) -> Record
    ) throws(JuteError) -> (record: Record, digest: TxnDigest?) {
        var b = ByteBuffer(bytes: body)
        let record = try decodeRecord(&b)
        switch b.readableBytes {
        case 0: return (record, nil)
        case Self.digestSize: return (record, try TxnDigest(from: &b))
        case let n where n < Self.digestSize: throw .truncated(field: "TxnDigest")
        case let n: throw .trailingBytes(count: n - Self.digestSize)
        }
    }
}

/// INFORMANDACTIVATE data (Leader.buildInformAndActivePacket): the designated leader as a long, then
/// the reconfig proposal's data (a SerializedTxn whose record is a SetDataTxn of /zookeeper/config).
public struct InformAndActivateData: JuteRecord, Hashable {
    public var designatedLeader: Int64
    public var txn: SerializedTxn
    public init(designatedLeader: Int64, txn: SerializedTxn) { self.designatedLeader = designatedLeader; self.txn = txn }
    public func encode(into b: inout ByteBuffer) { b.writeJuteLong(designatedLeader); txn.encode(into: &b) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        designatedLeader = try b.readJuteLong("designatedLeader")
        txn = try SerializedTxn(from: &b)
    }
}
