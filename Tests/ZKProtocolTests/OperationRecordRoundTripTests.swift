import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Headers and the request/response records of OperationRecords.swift.
@Suite struct OperationRecordRoundTripTests {
    @Test func requestHeader() throws {
        try expectRoundTrip(RequestHeader(xid: 1, op: .create), size: 8)
        try expectRoundTrip(RequestHeader(xid: SpecialXid.ping, op: .ping), size: 8)
        try expectRoundTrip(RequestHeader(xid: Int32.max, type: 9999), size: 8)
        #expect(RequestHeader(xid: 6, op: .closeSession).encodedBytes() == hexBytes("00000006 fffffff5"))
    }

    @Test func replyHeader() throws {
        try expectRoundTrip(ReplyHeader(xid: 1, zxid: 0x10, err: .ok), size: 16)
        try expectRoundTrip(ReplyHeader(xid: -1, zxid: -1, err: .ok), size: 16)
        try expectRoundTrip(ReplyHeader(xid: 3, zxid: 0xf, err: ErrorCode.noNode.rawValue), size: 16)
        #expect(ReplyHeader.encodedSize == 16)
        #expect(ReplyHeader(xid: 3, zxid: 0xf, err: .noNode).encodedBytes()
                == hexBytes("00000003 000000000000000f ffffff9b"))
        #expect(ReplyHeader(xid: 3, zxid: 0, err: -101).error == .noNode)
    }

    @Test func multiHeader() throws {
        try expectRoundTrip(MultiHeader(type: 1, done: false, err: -1), size: 9)
        try expectRoundTrip(MultiHeader.terminator, size: 9)
        #expect(MultiHeader.terminator.encodedBytes() == hexBytes("ffffffff 01 ffffffff"))
    }

    @Test func authPacket() throws {
        let auth = Array("bob:secret".utf8)
        try expectRoundTrip(AuthPacket(scheme: "digest", auth: auth), size: 4 + Size.string("digest") + Size.buffer(auth))
        try expectRoundTrip(AuthPacket(type: 7, scheme: "", auth: []), size: 12)
    }

    @Test func createRequest() throws {
        let r = CreateRequest(path: "/n", data: Samples.data, acl: Samples.acls, flags: CreateMode.ephemeralSequential.rawValue)
        try expectRoundTrip(r, size: Size.string("/n") + Size.buffer(Samples.data) + Size.acl(Samples.acls) + 4)
        try expectRoundTrip(CreateRequest(path: "/n", data: nil, acl: [], flags: 0), size: 6 + 4 + 4 + 4)
        try expectRoundTrip(CreateRequest(path: "/n", data: [], acl: ACL.openACLUnsafe, flags: 4))
    }

    @Test func createRequestKeepsNullDataApartFromEmpty() throws {
        let null = CreateRequest(path: "/n", data: nil, acl: [], flags: 0)
        let empty = CreateRequest(path: "/n", data: [], acl: [], flags: 0)
        #expect(null.encodedBytes() != empty.encodedBytes())
        #expect(try CreateRequest(bytes: null.encodedBytes()).data == nil)
        #expect(try CreateRequest(bytes: empty.encodedBytes()).data == [])
    }

    @Test func createTTLRequest() throws {
        let r = CreateTTLRequest(path: "/ttl", data: [1], acl: ACL.openACLUnsafe,
                                 flags: CreateMode.persistentWithTTL.rawValue, ttl: 60_000)
        try expectRoundTrip(r, size: Size.string("/ttl") + 5 + Size.acl(ACL.openACLUnsafe) + 4 + 8)
        try expectRoundTrip(CreateTTLRequest(path: "/ttl", data: nil, acl: [], flags: 6, ttl: Int64.max))
    }

    @Test func setDataRequest() throws {
        try expectRoundTrip(SetDataRequest(path: "/s", data: Samples.data, version: -1),
                            size: 6 + Size.buffer(Samples.data) + 4)
        try expectRoundTrip(SetDataRequest(path: "/s", data: nil, version: 3), size: 6 + 4 + 4)
        try expectRoundTrip(SetDataRequest(path: "/s", data: [], version: 3), size: 6 + 4 + 4)
        try expectRoundTrip(SetDataTxn(path: "/s", data: [9], version: 1))
    }

    @Test func setACLRequest() throws {
        try expectRoundTrip(SetACLRequest(path: "/a", acl: Samples.acls, version: 2),
                            size: 6 + Size.acl(Samples.acls) + 4)
        try expectRoundTrip(SetACLRequest(path: "/a", acl: [], version: -1), size: 14)
        try expectRoundTrip(SetACLTxn(path: "/a", acl: ACL.creatorAllACL, version: 0))
    }

    @Test func create2Response() throws {
        try expectRoundTrip(Create2Response(path: "/c", stat: Samples.stat), size: 6 + 68)
    }

    @Test func getDataResponse() throws {
        try expectRoundTrip(GetDataResponse(data: Samples.data, stat: Samples.stat), size: Size.buffer(Samples.data) + 68)
        try expectRoundTrip(GetDataResponse(data: nil, stat: Stat()), size: 72)
        try expectRoundTrip(GetDataResponse(data: [], stat: Stat()), size: 72)
        #expect(try GetDataResponse(bytes: GetDataResponse(data: nil, stat: Stat()).encodedBytes()).data == nil)
        #expect(try GetDataResponse(bytes: GetDataResponse(data: [], stat: Stat()).encodedBytes()).data == [])
    }

    @Test func getChildren2Response() throws {
        let children = ["a", "bb", Samples.unicodePath]
        try expectRoundTrip(GetChildren2Response(children: children, stat: Samples.stat), size: Size.strings(children) + 68)
        try expectRoundTrip(GetChildren2Response(children: [], stat: Stat()), size: 72)
    }

    @Test func getACLResponse() throws {
        try expectRoundTrip(GetACLResponse(acl: Samples.acls, stat: Samples.stat2), size: Size.acl(Samples.acls) + 68)
        try expectRoundTrip(GetACLResponse(acl: [], stat: Stat()), size: 72)
    }

    @Test func watcherEvent() throws {
        let e = WatcherEvent(type: .nodeDeleted, state: .syncConnected, path: "/cgolden")
        try expectRoundTrip(e, size: 8 + Size.string("/cgolden"))
        #expect(e.eventType == .nodeDeleted)
        #expect(e.keeperState == .syncConnected)
        let odd = WatcherEvent(type: 99, state: -7, path: "")
        try expectRoundTrip(odd, size: 12)
        #expect(odd.eventType == nil)
        #expect(odd.keeperState == nil)
    }

    @Test func setWatchesVersion1() throws {
        let w = SetWatches(relativeZxid: 0x42, dataWatches: ["/d"], existWatches: ["/e", "/e2"], childWatches: [])
        #expect(!w.isVersion2)
        try expectRoundTrip(w, size: 8 + Size.strings(["/d"]) + Size.strings(["/e", "/e2"]) + 4)
    }

    @Test func setWatchesVersion2() throws {
        let w = SetWatches(relativeZxid: -1, dataWatches: [], existWatches: [], childWatches: ["/c"],
                           persistentWatches: ["/p"], persistentRecursiveWatches: [])
        #expect(w.isVersion2)
        let bytes = w.encodedBytes()
        #expect(bytes.count == 8 + 4 + 4 + Size.strings(["/c"]) + Size.strings(["/p"]) + 4)
        var b = ByteBuffer(bytes: bytes)
        let decoded = try SetWatches(from: &b, version2: true)
        #expect(b.readableBytes == 0)
        #expect(decoded == w)
        #expect(decoded.encodedBytes() == bytes)
        // The v1 reader stops after childWatches and leaves the two extra vectors unread.
        #expect(throws: JuteError.trailingBytes(count: 4 + Size.strings(["/p"]))) { try SetWatches(bytes: bytes) }
    }

    @Test func setWatchesVersion2WithOnlyRecursiveWatches() throws {
        let w = SetWatches(relativeZxid: 5, dataWatches: ["/d"], existWatches: [], childWatches: [],
                           persistentWatches: nil, persistentRecursiveWatches: ["/r"])
        #expect(w.isVersion2)
        var b = ByteBuffer(bytes: w.encodedBytes())
        let decoded = try SetWatches(from: &b, version2: true)
        #expect(decoded.persistentWatches == [])
        #expect(decoded.persistentRecursiveWatches == ["/r"])
    }

    @Test func whoAmIResponse() throws {
        let infos = [ClientInfo(authScheme: "ip", user: "127.0.0.1"), ClientInfo(authScheme: "digest", user: "bob")]
        try expectRoundTrip(WhoAmIResponse(clientInfo: infos), size: 4 + (4 + 2 + 4 + 9) + (4 + 6 + 4 + 3))
        try expectRoundTrip(WhoAmIResponse(clientInfo: []), size: 4)
    }

    @Test func reconfigRequest() throws {
        try expectRoundTrip(ReconfigRequest(joiningServers: "server.4=h:2888:3888;2181", leavingServers: "2",
                                            newMembers: nil, curConfigId: -1))
        try expectRoundTrip(ReconfigRequest(joiningServers: nil, leavingServers: nil, newMembers: nil, curConfigId: 0),
                            size: 4 + 4 + 4 + 8)
        try expectRoundTrip(ReconfigRequest(joiningServers: "", leavingServers: "", newMembers: "", curConfigId: 1),
                            size: 20)
        let null = ReconfigRequest(joiningServers: nil, leavingServers: "", newMembers: nil, curConfigId: 0)
        #expect(null.encodedBytes() == hexBytes("ffffffff 00000000 ffffffff 0000000000000000"))
    }
}
