import NIOCore
import ZKJute
import ZKProtocol

/// A transaction: what a write request becomes once validated, the unit that is logged, replicated
/// and applied. Bodies are Apache's txn records, so the log can use Apache's serialization.
public struct Transaction: Sendable, Hashable {
    public var header: TxnHeader
    public var body: TxnBody

    public init(header: TxnHeader, body: TxnBody) { self.header = header; self.body = body }

    public var zxid: Int64 { header.zxid }

    /// TxnHeader then the record: the one encoding of a write, which the log frames and Zab proposes as is.
    public func serialized() -> ByteBuffer {
        var b = ByteBuffer()
        header.encode(into: &b)
        body.encode(into: &b)
        return b
    }

    /// The transaction back from those bytes (a proposal a learner applies on commit).
    public init(serialized bytes: ByteBuffer) throws {
        var b = bytes
        header = try TxnHeader(from: &b)
        body = try TxnBody.decode(type: header.type, from: &b)
    }
}

public indirect enum TxnBody: Sendable, Hashable {
    case create(CreateTxn)
    case createContainer(CreateContainerTxn)
    case createTTL(CreateTTLTxn)
    case delete(DeleteTxn)
    /// deleteContainer: the server's own reaping of an empty container or expired TTL node.
    case deleteContainer(DeleteTxn)
    case setData(SetDataTxn)
    /// A new ensemble configuration: Apache's reconfig txn, a SetDataTxn of /zookeeper/config with the new
    /// configuration's text and version -1.
    case reconfig(SetDataTxn)
    case setACL(SetACLTxn)
    case check(CheckVersionTxn)
    case multi([TxnBody])
    case error(ErrorCode)
    case createSession(timeout: Int32)
    case closeSession(ephemerals: [String])

    /// The txn type written in TxnHeader.type and in each Txn of a MultiTxn.
    public var typeCode: Int32 {
        switch self {
        case .create: return OpCode.create.rawValue
        case .createContainer: return OpCode.createContainer.rawValue
        case .createTTL: return OpCode.createTTL.rawValue
        case .delete: return OpCode.delete.rawValue
        case .deleteContainer: return OpCode.deleteContainer.rawValue
        case .setData: return OpCode.setData.rawValue
        case .reconfig: return OpCode.reconfig.rawValue
        case .setACL: return OpCode.setACL.rawValue
        case .check: return OpCode.check.rawValue
        case .multi: return OpCode.multi.rawValue
        case .error: return OpCode.error.rawValue
        case .createSession: return OpCode.createSession.rawValue
        case .closeSession: return OpCode.closeSession.rawValue
        }
    }

    public func encode(into b: inout ByteBuffer) {
        switch self {
        case .create(let t): t.encode(into: &b)
        case .createContainer(let t): t.encode(into: &b)
        case .createTTL(let t): t.encode(into: &b)
        case .delete(let t), .deleteContainer(let t): t.encode(into: &b)
        case .setData(let t), .reconfig(let t): t.encode(into: &b)
        case .setACL(let t): t.encode(into: &b)
        case .check(let t): t.encode(into: &b)
        case .multi(let bodies):
            MultiTxn(txns: bodies.map { Txn(type: $0.typeCode, data: $0.encodedBytes()) }).encode(into: &b)
        case .error(let code): b.writeJuteInt(code.rawValue)
        case .createSession(let timeout): b.writeJuteInt(timeout)
        case .closeSession(let paths): b.writeJuteStrings(paths)
        }
    }

    public func encodedBytes() -> [UInt8] {
        var b = ByteBuffer()
        encode(into: &b)
        return b.readBytes(length: b.readableBytes) ?? []
    }

    public static func decode(type: Int32, from b: inout ByteBuffer) throws(JuteError) -> TxnBody {
        switch OpCode(rawValue: type) {
        case .create: return .create(try CreateTxn(from: &b))
        case .createContainer: return .createContainer(try CreateContainerTxn(from: &b))
        case .createTTL: return .createTTL(try CreateTTLTxn(from: &b))
        case .delete: return .delete(try DeleteTxn(from: &b))
        case .deleteContainer: return .deleteContainer(try DeleteTxn(from: &b))
        case .setData: return .setData(try SetDataTxn(from: &b))
        case .reconfig: return .reconfig(try SetDataTxn(from: &b))
        case .setACL: return .setACL(try SetACLTxn(from: &b))
        case .check: return .check(try CheckVersionTxn(from: &b))
        case .multi:
            let multi = try MultiTxn(from: &b)
            var bodies: [TxnBody] = []
            for txn in multi.txns {
                var inner = ByteBuffer(bytes: txn.data ?? [])
                bodies.append(try decode(type: txn.type, from: &inner))
            }
            return .multi(bodies)
        case .error: return .error(ErrorCode(rawValue: try b.readJuteInt("ErrorTxn.err")))
        case .createSession: return .createSession(timeout: try b.readJuteInt("CreateSessionTxn.timeOut"))
        case .closeSession:
            // Old logs carry an empty CloseSessionTxn body.
            if b.readableBytes == 0 { return .closeSession(ephemerals: []) }
            return .closeSession(ephemerals: try b.readJuteStrings("CloseSessionTxn.paths2Delete"))
        default: throw .invalidValue(field: "TxnHeader.type", value: Int64(type))
        }
    }
}
