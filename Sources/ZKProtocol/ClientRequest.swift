import NIOCore
import ZKJute

/// A decoded client request (after the session handshake): the header and its typed body.
public struct ClientRequest: Sendable, Hashable {
    public var xid: Int32
    public var opCodeValue: Int32
    public var body: Body

    public enum Body: Sendable, Hashable {
        /// create, create2 and createContainer share CreateRequest.
        case create(CreateRequest)
        case createTTL(CreateTTLRequest)
        case delete(DeleteRequest)
        case exists(ExistsRequest)
        case getData(GetDataRequest)
        case setData(SetDataRequest)
        case getACL(GetACLRequest)
        case setACL(SetACLRequest)
        case getChildren(GetChildrenRequest)
        case getChildren2(GetChildren2Request)
        case sync(SyncRequest)
        case check(CheckVersionRequest)
        case multi(MultiRequest)
        case multiRead(MultiRequest)
        case reconfig(ReconfigRequest)
        case checkWatches(CheckWatchesRequest)
        case removeWatches(RemoveWatchesRequest)
        case auth(AuthPacket)
        case setWatches(SetWatches)
        case sasl(GetSASLRequest)
        case getEphemerals(GetEphemeralsRequest)
        case getAllChildrenNumber(GetAllChildrenNumberRequest)
        case addWatch(AddWatchRequest)
        case whoAmI
        case ping
        case closeSession
        /// An opcode we do not serve; answered with Unimplemented as Apache does.
        case unknown
        /// A known opcode whose record does not decode inside a complete frame: Apache answers it with
        /// MarshallingError and keeps the connection (see `init(clientFrame:)`).
        case undecodable
    }

    public init(xid: Int32, op: OpCode, body: Body) {
        self.xid = xid; self.opCodeValue = op.rawValue; self.body = body
    }

    public var opCode: OpCode? { OpCode(rawValue: opCodeValue) }


    /// Decodes one frame (without its length prefix).
    public init(frame b: inout ByteBuffer) throws(JuteError) {
        let header = try RequestHeader(from: &b)
        xid = header.xid
        opCodeValue = header.type
        guard let op = OpCode(rawValue: header.type) else { body = .unknown; return }
        // A null path (length -1) fails inside Apache, which answers MarshallingError; the records here
        // would read it as "", which Apache answers quite differently (the root, or BadArguments).
        if op.recordStartsWithPath, b.getInteger(at: b.readerIndex, as: Int32.self) == -1 {
            throw .invalidLength(field: "path", length: -1)
        }
        switch op {
        case .create, .create2, .createContainer: body = .create(try CreateRequest(from: &b))
        case .createTTL: body = .createTTL(try CreateTTLRequest(from: &b))
        case .delete: body = .delete(try DeleteRequest(from: &b))
        case .exists: body = .exists(try ExistsRequest(from: &b))
        case .getData: body = .getData(try GetDataRequest(from: &b))
        case .setData: body = .setData(try SetDataRequest(from: &b))
        case .getACL: body = .getACL(try GetACLRequest(from: &b))
        case .setACL: body = .setACL(try SetACLRequest(from: &b))
        case .getChildren: body = .getChildren(try GetChildrenRequest(from: &b))
        case .getChildren2: body = .getChildren2(try GetChildren2Request(from: &b))
        case .sync: body = .sync(try SyncRequest(from: &b))
        case .check: body = .check(try CheckVersionRequest(from: &b))
        case .multi: body = .multi(try MultiRequest(from: &b))
        case .multiRead: body = .multiRead(try MultiRequest(from: &b))
        case .reconfig: body = .reconfig(try ReconfigRequest(from: &b))
        case .checkWatches: body = .checkWatches(try CheckWatchesRequest(from: &b))
        case .removeWatches: body = .removeWatches(try RemoveWatchesRequest(from: &b))
        case .auth: body = .auth(try AuthPacket(from: &b))
        case .setWatches: body = .setWatches(try SetWatches(from: &b, version2: false))
        case .setWatches2: body = .setWatches(try SetWatches(from: &b, version2: true))
        case .sasl: body = .sasl(try GetSASLRequest(from: &b))
        case .getEphemerals: body = .getEphemerals(try GetEphemeralsRequest(from: &b))
        case .getAllChildrenNumber: body = .getAllChildrenNumber(try GetAllChildrenNumberRequest(from: &b))
        case .addWatch: body = .addWatch(try AddWatchRequest(from: &b))
        case .whoAmI: body = .whoAmI
        case .ping: body = .ping
        case .closeSession: body = .closeSession
        case .notification, .deleteContainer, .createSession, .error: body = .unknown
        }
    }

    /// Decodes a frame from a client: a header that decodes with a record that does not becomes
    /// `.undecodable`, to be answered in order. Auth and SASL packets Apache reads before any request
    /// processor, where a bad one closes the connection: those still throw, as does a short header.
    public init(clientFrame b: inout ByteBuffer) throws(JuteError) {
        let start = b
        do {
            try self.init(frame: &b)
        } catch {
            var again = start
            let header = try RequestHeader(from: &again)
            guard let op = OpCode(rawValue: header.type), op != .auth, op != .sasl else { throw error }
            self.init(xid: header.xid, op: op, body: .undecodable)
        }
    }

    public func encode(into b: inout ByteBuffer) {
        RequestHeader(xid: xid, type: opCodeValue).encode(into: &b)
        switch body {
        case .create(let r): r.encode(into: &b)
        case .createTTL(let r): r.encode(into: &b)
        case .delete(let r), .check(let r): r.encode(into: &b)
        case .exists(let r), .getData(let r), .getChildren(let r), .getChildren2(let r): r.encode(into: &b)
        case .setData(let r): r.encode(into: &b)
        case .getACL(let r), .sync(let r), .getEphemerals(let r), .getAllChildrenNumber(let r): r.encode(into: &b)
        case .setACL(let r): r.encode(into: &b)
        case .multi(let r), .multiRead(let r): r.encode(into: &b)
        case .reconfig(let r): r.encode(into: &b)
        case .checkWatches(let r), .removeWatches(let r), .addWatch(let r): r.encode(into: &b)
        case .auth(let r): r.encode(into: &b)
        case .setWatches(let r): r.encode(into: &b)
        case .sasl(let r): r.encode(into: &b)
        case .whoAmI, .ping, .closeSession, .unknown, .undecodable: break
        }
    }
}

extension ClientRequest {
    /// Whether the request becomes a transaction (reconfig does not: a standalone server answers it at once).
    public var isWrite: Bool { opCode.map { $0.isWrite && $0 != .reconfig } ?? false }
}

extension ClientRequest.Body {
    /// The path a single-node request names; nil for requests without one.
    public var primaryPath: String? {
        switch self {
        case .create(let r): return r.path
        case .createTTL(let r): return r.path
        case .delete(let r), .check(let r): return r.path
        case .exists(let r), .getData(let r), .getChildren(let r), .getChildren2(let r): return r.path
        case .setData(let r): return r.path
        case .getACL(let r), .getAllChildrenNumber(let r): return r.path
        case .setACL(let r): return r.path
        case .addWatch(let r): return r.path
        default: return nil
        }
    }
}
