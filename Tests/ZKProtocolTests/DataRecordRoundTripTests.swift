import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Id, ACL, Stat, StatPersisted and ClientInfo.
@Suite struct DataRecordRoundTripTests {
    @Test func id() throws {
        try expectRoundTrip(Id.anyone, size: 4 + 5 + 4 + 6)
        try expectRoundTrip(Id.authIds, size: 4 + 4 + 4)
        try expectRoundTrip(Id(scheme: "", id: ""), size: 8)
        #expect(Id.anyone.encodedBytes() == hexBytes("00000005776f726c64 00000006616e796f6e65"))
    }

    @Test func acl() throws {
        for acl in Samples.acls { try expectRoundTrip(acl, size: Size.acl([acl]) - 4) }
        // The world:anyone ALL entry exactly as the golden create requests carry it.
        #expect(ACL(perms: .all, id: .anyone).encodedBytes()
                == hexBytes("0000001f 00000005776f726c64 00000006616e796f6e65"))
    }

    @Test func aclListsViaByteBufferHelpers() throws {
        for list in [Samples.acls, [], ACL.openACLUnsafe, ACL.creatorAllACL, ACL.readACLUnsafe] {
            var b = ByteBuffer()
            b.writeJuteACLs(list)
            #expect(b.readableBytes == Size.acl(list))
            #expect(try b.readJuteACLs() == list)
            #expect(b.readableBytes == 0)
        }
        var null = ByteBuffer()
        null.writeJuteACLs(nil)
        #expect(null.allBytes == hexBytes("ffffffff"))
        #expect(try null.readJuteACLs() == [])
    }

    @Test func stat() throws {
        try expectRoundTrip(Samples.stat, size: 68)
        try expectRoundTrip(Samples.stat2, size: 68)
        try expectRoundTrip(Stat(), size: 68)
        #expect(Stat.encodedSize == 68)
    }

    @Test func statFieldOrder() {
        var s = Stat()
        s.czxid = 1; s.mzxid = 2; s.ctime = 3; s.mtime = 4; s.version = 5; s.cversion = 6; s.aversion = 7
        s.ephemeralOwner = 8; s.dataLength = 9; s.numChildren = 10; s.pzxid = 11
        #expect(s.encodedBytes() == hexBytes("""
            0000000000000001 0000000000000002 0000000000000003 0000000000000004
            00000005 00000006 00000007 0000000000000008 00000009 0000000a 000000000000000b
            """))
    }

    @Test func statPersisted() throws {
        var s = StatPersisted()
        s.czxid = 1; s.mzxid = 2; s.ctime = 3; s.mtime = 4; s.version = 5; s.cversion = 6; s.aversion = 7
        s.ephemeralOwner = 8; s.pzxid = 9
        try expectRoundTrip(s, size: 60)
        try expectRoundTrip(StatPersisted(), size: 60)
        #expect(s.encodedBytes() == hexBytes("""
            0000000000000001 0000000000000002 0000000000000003 0000000000000004
            00000005 00000006 00000007 0000000000000008 0000000000000009
            """))
    }

    @Test func clientInfo() throws {
        try expectRoundTrip(ClientInfo(authScheme: "ip", user: "127.0.0.1"), size: 4 + 2 + 4 + 9)
        try expectRoundTrip(ClientInfo(authScheme: "", user: ""), size: 8)
    }
}
