import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Every ClientRequest.Body case through encode and ClientRequest(frame:).
@Suite struct ClientRequestRoundTripTests {
    static let everyRequest: [ClientRequest] = {
        let create = CreateRequest(path: "/c", data: [1, 2], acl: ACL.openACLUnsafe, flags: 0)
        var requests: [ClientRequest] = [
            ClientRequest(xid: 1, op: .create, body: .create(create)),
            ClientRequest(xid: 2, op: .create2, body: .create(CreateRequest(path: "/c2", data: nil, acl: Samples.acls, flags: 3))),
            ClientRequest(xid: 3, op: .createContainer, body: .create(CreateRequest(path: "/cc", data: [], acl: [], flags: 4))),
            ClientRequest(xid: 4, op: .createTTL, body: .createTTL(CreateTTLRequest(path: "/t", data: [0], acl: ACL.openACLUnsafe, flags: 5, ttl: 10))),
            ClientRequest(xid: 5, op: .delete, body: .delete(DeleteRequest(path: "/d", version: -1))),
            ClientRequest(xid: 6, op: .exists, body: .exists(ExistsRequest(path: "/e", watch: true))),
            ClientRequest(xid: 7, op: .getData, body: .getData(GetDataRequest(path: "/g", watch: false))),
            ClientRequest(xid: 8, op: .setData, body: .setData(SetDataRequest(path: "/s", data: Samples.data, version: 2))),
            ClientRequest(xid: 9, op: .getACL, body: .getACL(GetACLRequest(path: "/ga"))),
            ClientRequest(xid: 10, op: .setACL, body: .setACL(SetACLRequest(path: "/sa", acl: Samples.acls, version: -1))),
            ClientRequest(xid: 11, op: .getChildren, body: .getChildren(GetChildrenRequest(path: "/", watch: true))),
            ClientRequest(xid: 12, op: .getChildren2, body: .getChildren2(GetChildren2Request(path: "/", watch: false))),
            ClientRequest(xid: 13, op: .sync, body: .sync(SyncRequest(path: "/sy"))),
            ClientRequest(xid: 14, op: .check, body: .check(CheckVersionRequest(path: "/ck", version: 1))),
            ClientRequest(xid: 15, op: .multi, body: .multi(MultiRequest(ops: MultiRoundTripTests.everyOp))),
            ClientRequest(xid: 16, op: .multiRead, body: .multiRead(MultiRequest(ops: [
                .getChildren(GetChildrenRequest(path: "/", watch: false)), .getData(GetDataRequest(path: "/x", watch: false)),
            ]))),
            ClientRequest(xid: 17, op: .reconfig, body: .reconfig(ReconfigRequest(joiningServers: nil, leavingServers: "3",
                                                                                   newMembers: nil, curConfigId: -1))),
            ClientRequest(xid: 18, op: .checkWatches, body: .checkWatches(CheckWatchesRequest(path: "/w", type: 3))),
            ClientRequest(xid: 19, op: .removeWatches, body: .removeWatches(RemoveWatchesRequest(path: "/w", type: 1))),
            ClientRequest(xid: SpecialXid.auth, op: .auth, body: .auth(AuthPacket(scheme: "digest", auth: Array("u:p".utf8)))),
            ClientRequest(xid: SpecialXid.setWatches, op: .setWatches, body: .setWatches(SetWatches(
                relativeZxid: 7, dataWatches: ["/a"], existWatches: [], childWatches: ["/b"]))),
            ClientRequest(xid: SpecialXid.setWatches, op: .setWatches2, body: .setWatches(SetWatches(
                relativeZxid: 7, dataWatches: [], existWatches: ["/x"], childWatches: [],
                persistentWatches: ["/p"], persistentRecursiveWatches: ["/r"]))),
            ClientRequest(xid: 20, op: .sasl, body: .sasl(GetSASLRequest(bytes: [9, 8, 7]))),
            ClientRequest(xid: 21, op: .getEphemerals, body: .getEphemerals(GetEphemeralsRequest(path: "/"))),
            ClientRequest(xid: 22, op: .getAllChildrenNumber, body: .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "/n"))),
            ClientRequest(xid: 23, op: .addWatch, body: .addWatch(AddWatchRequest(path: "/aw", type: 1))),
            ClientRequest(xid: 24, op: .whoAmI, body: .whoAmI),
            ClientRequest(xid: SpecialXid.ping, op: .ping, body: .ping),
            ClientRequest(xid: 25, op: .closeSession, body: .closeSession),
            ClientRequest(xid: 26, op: .deleteContainer, body: .unknown),
        ]
        var unassigned = ClientRequest(xid: 27, op: .ping, body: .unknown)
        unassigned.opCodeValue = 10
        requests.append(unassigned)
        return requests
    }()

    /// Exhaustive, so a new Body case fails to compile here until the samples cover it.
    static func kind(_ body: ClientRequest.Body) -> String {
        switch body {
        case .create: "create"
        case .createTTL: "createTTL"
        case .delete: "delete"
        case .exists: "exists"
        case .getData: "getData"
        case .setData: "setData"
        case .getACL: "getACL"
        case .setACL: "setACL"
        case .getChildren: "getChildren"
        case .getChildren2: "getChildren2"
        case .sync: "sync"
        case .check: "check"
        case .multi: "multi"
        case .multiRead: "multiRead"
        case .reconfig: "reconfig"
        case .checkWatches: "checkWatches"
        case .removeWatches: "removeWatches"
        case .auth: "auth"
        case .setWatches: "setWatches"
        case .sasl: "sasl"
        case .getEphemerals: "getEphemerals"
        case .getAllChildrenNumber: "getAllChildrenNumber"
        case .addWatch: "addWatch"
        case .whoAmI: "whoAmI"
        case .ping: "ping"
        case .closeSession: "closeSession"
        case .unknown: "unknown"
        // Made by decoding only (it has no record to encode): undecodableRecordsFromClients.
        case .undecodable: "undecodable"
        }
    }

    @Test func samplesCoverEveryBodyCase() {
        #expect(Set(Self.everyRequest.map { Self.kind($0.body) }).count == 27)
    }

    @Test(arguments: everyRequest)
    func roundTrip(_ request: ClientRequest) throws {
        try expectRoundTrip(request)
    }

    @Test func headerOnlyRequestsAreEightBytes() throws {
        for request in Self.everyRequest where [.whoAmI, .ping, .closeSession, .unknown].contains(request.body) {
            var b = ByteBuffer()
            request.encode(into: &b)
            #expect(b.readableBytes == 8)
        }
        var ping = ByteBuffer()
        ClientRequest(xid: -2, op: .ping, body: .ping).encode(into: &ping)
        #expect(ping.allBytes == hexBytes("fffffffe 0000000b"))
    }

    @Test func createVariantsKeepTheirOpcode() throws {
        for op: OpCode in [.create, .create2, .createContainer] {
            let request = ClientRequest(xid: 1, op: op, body: .create(CreateRequest(path: "/x", data: nil, acl: [], flags: 0)))
            var b = ByteBuffer()
            request.encode(into: &b)
            let decoded = try ClientRequest(frame: &b)
            #expect(decoded.opCode == op)
        }
    }

    @Test func serverInternalOpcodesDecodeAsUnknown() throws {
        for op: OpCode in [.notification, .deleteContainer, .createSession, .error] {
            var b = ByteBuffer()
            RequestHeader(xid: 1, op: op).encode(into: &b)
            b.writeJuteString("/ignored")
            let decoded = try ClientRequest(frame: &b)
            #expect(decoded.body == .unknown)
            #expect(decoded.opCode == op)
        }
        var unassigned = ByteBuffer(bytes: hexBytes("00000001 0000000a"))
        let decoded = try ClientRequest(frame: &unassigned)
        #expect(decoded.body == .unknown)
        #expect(decoded.opCode == nil)
        #expect(decoded.opCodeValue == 10)
    }

    @Test func primaryPath() {
        let byXid = Dictionary(Self.everyRequest.map { ($0.xid, $0.body.primaryPath) }, uniquingKeysWith: { a, _ in a })
        #expect(byXid[1] == "/c")
        #expect(byXid[4] == "/t")
        #expect(byXid[5] == "/d")
        #expect(byXid[8] == "/s")
        #expect(byXid[10] == "/sa")
        #expect(byXid[12] == "/")
        #expect(byXid[22] == "/n")
        #expect(byXid[23] == "/aw")
        #expect(byXid[15] == .some(nil))
        #expect(byXid[24] == .some(nil))
    }

    /// A client's frame whose record does not decode is kept for a MarshallingError reply, as Apache does,
    /// except auth and SASL (Apache closes) and a frame too short for its header.
    @Test func undecodableRecordsFromClients() throws {
        func frame(_ xid: Int32, _ op: Int32, _ body: [UInt8]) -> ByteBuffer {
            var b = ByteBuffer()
            b.writeJuteInt(xid); b.writeJuteInt(op); b.writeBytes(body)
            return b
        }
        var truncated = frame(7, OpCode.getData.rawValue, [0, 0, 0, 9, 0x2f])
        let bad = try ClientRequest(clientFrame: &truncated)
        #expect(bad.xid == 7 && bad.opCode == .getData && bad.body == .undecodable)
        // A null path: Apache fails on it (MarshallingError), where "" would be the root.
        var nullPath = frame(8, OpCode.exists.rawValue, [0xff, 0xff, 0xff, 0xff, 0])
        #expect(try ClientRequest(clientFrame: &nullPath).body == .undecodable)
        var emptyPath = frame(9, OpCode.exists.rawValue, [0, 0, 0, 0, 0])
        #expect(try ClientRequest(clientFrame: &emptyPath).body == .exists(ExistsRequest(path: "", watch: false)))
        var badAuth = frame(-4, OpCode.auth.rawValue, [0, 0, 0, 0, 0, 0, 0, 6])
        #expect(throws: JuteError.self) { try ClientRequest(clientFrame: &badAuth) }
        var short = ByteBuffer(bytes: [0, 0, 0, 1, 0])
        #expect(throws: JuteError.self) { try ClientRequest(clientFrame: &short) }
        // Between peers a bad record is still an error.
        var forwarded = frame(7, OpCode.getData.rawValue, [0, 0, 0, 9, 0x2f])
        #expect(throws: JuteError.self) { try ClientRequest(frame: &forwarded) }
    }

    @Test func aNullAuthBufferIsToldFromAnEmptyOne() throws {
        var null = ByteBuffer()
        null.writeJuteInt(0); null.writeJuteString("digest"); null.writeJuteInt(-1)
        let packet = try AuthPacket(from: &null)
        #expect(packet.authIsNull && packet.auth.isEmpty)
        #expect(packet.encodedBytes() == [0, 0, 0, 0, 0, 0, 0, 6] + Array("digest".utf8) + [0xff, 0xff, 0xff, 0xff])
        var empty = ByteBuffer()
        empty.writeJuteInt(0); empty.writeJuteString("digest"); empty.writeJuteInt(0)
        #expect(try AuthPacket(from: &empty).authIsNull == false)
    }
}
