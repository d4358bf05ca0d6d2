import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// MultiRequest and MultiResponse with every op and result kind.
@Suite struct MultiRoundTripTests {
    static let everyOp: [MultiOp] = [
        .create(CreateRequest(path: "/m/a", data: [1], acl: ACL.openACLUnsafe, flags: 0), op: .create),
        .create(CreateRequest(path: "/m/b", data: nil, acl: Samples.acls, flags: 2), op: .create2),
        .create(CreateRequest(path: "/m/c", data: [], acl: ACL.openACLUnsafe, flags: 4), op: .createContainer),
        .createTTL(CreateTTLRequest(path: "/m/t", data: [2], acl: ACL.openACLUnsafe, flags: 5, ttl: 100)),
        .delete(DeleteRequest(path: "/m/d", version: -1)),
        .setData(SetDataRequest(path: "/m", data: Samples.data, version: 3)),
        .check(CheckVersionRequest(path: "/m", version: 4)),
        .getChildren(GetChildrenRequest(path: "/m", watch: false)),
        .getData(GetDataRequest(path: "/m/a", watch: false)),
    ]

    static let everyResult: [MultiOpResult] = [
        .create(path: "/m/a"),
        .create2(path: "/m/b", stat: Samples.stat, op: .create2),
        .create2(path: "/m/c", stat: Samples.stat2, op: .createContainer),
        .create2(path: "/m/t", stat: Stat(), op: .createTTL),
        .delete,
        .setData(Samples.stat),
        .check,
        .getChildren(["a", "b", Samples.unicodePath]),
        .getChildren([]),
        .getData(Samples.data, Samples.stat),
        .getData([], Stat()),
        .error(.ok),
        .error(.noNode),
        .error(.runtimeInconsistency),
        .error(ErrorCode(rawValue: -9999)),
    ]

    /// Exhaustive, so a new MultiOp case fails to compile here until the samples cover it.
    static func kind(_ op: MultiOp) -> String {
        switch op {
        case .create: return "create"
        case .createTTL: return "createTTL"
        case .delete: return "delete"
        case .setData: return "setData"
        case .check: return "check"
        case .getChildren: return "getChildren"
        case .getData: return "getData"
        }
    }

    static func kind(_ result: MultiOpResult) -> String {
        switch result {
        case .create: return "create"
        case .create2: return "create2"
        case .delete: return "delete"
        case .setData: return "setData"
        case .check: return "check"
        case .getChildren: return "getChildren"
        case .getData: return "getData"
        case .error: return "error"
        }
    }

    @Test func samplesCoverEveryKind() {
        #expect(Set(Self.everyOp.map(Self.kind)).count == 7)
        #expect(Set(Self.everyResult.map(Self.kind)).count == 8)
    }

    @Test func requestWithEveryOp() throws {
        let request = MultiRequest(ops: Self.everyOp)
        let bodies = Self.everyOp.map { op -> Int in
            switch op {
            case .create(let r, _): return r.encodedBytes().count
            case .createTTL(let r): return r.encodedBytes().count
            case .delete(let r), .check(let r): return r.encodedBytes().count
            case .setData(let r): return r.encodedBytes().count
            case .getChildren(let r), .getData(let r): return r.encodedBytes().count
            }
        }
        try expectRoundTrip(request, size: bodies.reduce(0) { $0 + Size.multiHeader + $1 } + Size.multiHeader)
    }

    @Test(arguments: everyOp)
    func requestWithSingleOp(_ op: MultiOp) throws {
        let request = MultiRequest(ops: [op])
        try expectRoundTrip(request)
        // Each op is announced by MultiHeader{type, false, -1}.
        let bytes = request.encodedBytes()
        #expect(Array(bytes.prefix(9)) == MultiHeader(type: op.opCode.rawValue, done: false, err: -1).encodedBytes())
        #expect(Array(bytes.suffix(9)) == MultiHeader.terminator.encodedBytes())
    }

    @Test func emptyRequestIsJustTheTerminator() throws {
        try expectRoundTrip(MultiRequest(ops: []), size: 9)
        #expect(MultiRequest(ops: []).encodedBytes() == hexBytes("ffffffff 01 ffffffff"))
    }

    @Test func opAccessors() {
        #expect(Self.everyOp.map(\.opCode) == [.create, .create2, .createContainer, .createTTL, .delete, .setData,
                                               .check, .getChildren, .getData])
        #expect(Self.everyOp.map(\.path) == ["/m/a", "/m/b", "/m/c", "/m/t", "/m/d", "/m", "/m", "/m", "/m/a"])
        #expect(Self.everyOp.filter(\.isRead).count == 2)
    }

    @Test func responseWithEveryResult() throws {
        try expectRoundTrip(MultiResponse(results: Self.everyResult))
    }

    @Test(arguments: everyResult)
    func responseWithSingleResult(_ result: MultiOpResult) throws {
        let response = MultiResponse(results: [result])
        try expectRoundTrip(response)
        let bytes = response.encodedBytes()
        let body: Int
        switch result {
        case .create(let path): body = Size.string(path)
        case .create2(let path, _, _): body = Size.string(path) + 68
        case .delete, .check: body = 0
        case .setData: body = 68
        case .getChildren(let c): body = Size.strings(c)
        case .getData(let d, _): body = Size.buffer(d) + 68
        case .error: body = 4
        }
        #expect(bytes.count == 9 + body + 9)
    }

    @Test func errorResultCarriesItsCodeInHeaderAndBody() {
        let bytes = MultiResponse(results: [.error(.noNode)]).encodedBytes()
        #expect(bytes == hexBytes("ffffffff 00 ffffff9b ffffff9b ffffffff 01 ffffffff"))
    }

    @Test func successResultsCarryZeroErr() {
        let bytes = MultiResponse(results: [.delete]).encodedBytes()
        #expect(bytes == hexBytes("00000002 00 00000000 ffffffff 01 ffffffff"))
    }

    @Test func emptyResponseIsJustTheTerminator() throws {
        try expectRoundTrip(MultiResponse(results: []), size: 9)
    }

    @Test func nullGetDataBufferReadsAsEmpty() throws {
        var b = ByteBuffer()
        MultiHeader(type: OpCode.getData.rawValue, done: false, err: 0).encode(into: &b)
        GetDataResponse(data: nil, stat: Stat()).encode(into: &b)
        MultiHeader.terminator.encode(into: &b)
        let decoded = try MultiResponse(bytes: b.allBytes)
        #expect(decoded.results == [.getData([], Stat())])
    }

    @Test func unknownAndNestedOpTypesAreRejected() {
        for type: Int32 in [10, 14, 22, 0, 9999, OpCode.ping.rawValue] {
            var b = ByteBuffer()
            MultiHeader(type: type, done: false, err: -1).encode(into: &b)
            b.writeJuteString("/x")
            MultiHeader.terminator.encode(into: &b)
            #expect(throws: JuteError.invalidValue(field: "MultiHeader.type", value: Int64(type))) {
                try MultiRequest(bytes: b.allBytes)
            }
            #expect(throws: JuteError.invalidValue(field: "MultiHeader.type", value: Int64(type))) {
                try MultiResponse(bytes: b.allBytes)
            }
        }
    }
}
