import NIOCore
import ZKJute

/// One operation inside a multi (transaction) or multiRead request.
public enum MultiOp: Hashable, Sendable {
    /// create, create2 or createContainer, told apart by `op`.
    case create(CreateRequest, op: OpCode)
    case createTTL(CreateTTLRequest)
    case delete(DeleteRequest)
    case setData(SetDataRequest)
    case check(CheckVersionRequest)
    case getChildren(GetChildrenRequest)
    case getData(GetDataRequest)

    public var opCode: OpCode {
        switch self {
        case .create(_, let op): return op
        case .createTTL: return .createTTL
        case .delete: return .delete
        case .setData: return .setData
        case .check: return .check
        case .getChildren: return .getChildren
        case .getData: return .getData
        }
    }

    public var path: String {
        switch self {
        case .create(let r, _): return r.path
        case .createTTL(let r): return r.path
        case .delete(let r): return r.path
        case .setData(let r): return r.path
        case .check(let r): return r.path
        case .getChildren(let r): return r.path
        case .getData(let r): return r.path
        }
    }

    public var isRead: Bool {
        switch self {
        case .getChildren, .getData: return true
        default: return false
        }
    }

    func encodeBody(into b: inout ByteBuffer) {
        switch self {
        case .create(let r, _): r.encode(into: &b)
        case .createTTL(let r): r.encode(into: &b)
        case .delete(let r): r.encode(into: &b)
        case .setData(let r): r.encode(into: &b)
        case .check(let r): r.encode(into: &b)
        case .getChildren(let r): r.encode(into: &b)
        case .getData(let r): r.encode(into: &b)
        }
    }
}

/// MultiOperationRecord: a MultiHeader before each op and a done header after the last.
public struct MultiRequest: JuteRecord, Hashable {
    public var ops: [MultiOp]
    public init(ops: [MultiOp]) { self.ops = ops }

    public func encode(into b: inout ByteBuffer) {
        for op in ops {
            MultiHeader(type: op.opCode.rawValue, done: false, err: -1).encode(into: &b)
            op.encodeBody(into: &b)
        }
        MultiHeader.terminator.encode(into: &b)
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        var ops: [MultiOp] = []
        while true {
            let header = try MultiHeader(from: &b)
            if header.done { break }
            guard let op = OpCode(rawValue: header.type) else {
                throw .invalidValue(field: "MultiHeader.type", value: Int64(header.type))
            }
            switch op {
            case .create, .create2, .createContainer: ops.append(.create(try CreateRequest(from: &b), op: op))
            case .createTTL: ops.append(.createTTL(try CreateTTLRequest(from: &b)))
            case .delete: ops.append(.delete(try DeleteRequest(from: &b)))
            case .setData: ops.append(.setData(try SetDataRequest(from: &b)))
            case .check: ops.append(.check(try CheckVersionRequest(from: &b)))
            case .getChildren: ops.append(.getChildren(try GetChildrenRequest(from: &b)))
            case .getData: ops.append(.getData(try GetDataRequest(from: &b)))
            default: throw .invalidValue(field: "MultiHeader.type", value: Int64(header.type))
            }
        }
        self.ops = ops
    }
}

/// The outcome of one op of a multi, in MultiResponse's encoding.
public enum MultiOpResult: Hashable, Sendable {
    case create(path: String)
    case create2(path: String, stat: Stat, op: OpCode)
    case delete
    case setData(Stat)
    case check
    case getChildren([String])
    case getData([UInt8], Stat)
    case error(ErrorCode)

    var opCodeValue: Int32 {
        switch self {
        case .create: return OpCode.create.rawValue
        case .create2(_, _, let op): return op.rawValue
        case .delete: return OpCode.delete.rawValue
        case .setData: return OpCode.setData.rawValue
        case .check: return OpCode.check.rawValue
        case .getChildren: return OpCode.getChildren.rawValue
        case .getData: return OpCode.getData.rawValue
        case .error: return OpCode.error.rawValue
        }
    }
}

/// MultiResponse
public struct MultiResponse: JuteRecord, Hashable {
    public var results: [MultiOpResult]
    public init(results: [MultiOpResult]) { self.results = results }

    public func encode(into b: inout ByteBuffer) {
        for result in results {
            let err: Int32
            if case .error(let code) = result { err = code.rawValue } else { err = 0 }
            MultiHeader(type: result.opCodeValue, done: false, err: err).encode(into: &b)
            switch result {
            case .create(let path): b.writeJuteString(path)
            case .create2(let path, let stat, _): Create2Response(path: path, stat: stat).encode(into: &b)
            case .delete, .check: break
            case .setData(let stat): stat.encode(into: &b)
            case .getChildren(let children): b.writeJuteStrings(children)
            case .getData(let data, let stat): GetDataResponse(data: data, stat: stat).encode(into: &b)
            case .error(let code): b.writeJuteInt(code.rawValue)
            }
        }
        MultiHeader.terminator.encode(into: &b)
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        var results: [MultiOpResult] = []
        while true {
            let header = try MultiHeader(from: &b)
            if header.done { break }
            guard let op = OpCode(rawValue: header.type) else {
                throw .invalidValue(field: "MultiHeader.type", value: Int64(header.type))
            }
            switch op {
            case .create: results.append(.create(path: try b.readJuteString("path")))
            case .create2, .createContainer, .createTTL:
                let r = try Create2Response(from: &b)
                results.append(.create2(path: r.path, stat: r.stat, op: op))
            case .delete: results.append(.delete)
            case .setData: results.append(.setData(try Stat(from: &b)))
            case .check: results.append(.check)
            case .getChildren: results.append(.getChildren(try b.readJuteStrings("children")))
            case .getData:
                let r = try GetDataResponse(from: &b)
                results.append(.getData(r.data ?? [], r.stat))
            case .error: results.append(.error(ErrorCode(rawValue: try b.readJuteInt("ErrorResponse.err"))))
            default: throw .invalidValue(field: "MultiHeader.type", value: Int64(header.type))
            }
        }
        self.results = results
    }
}
