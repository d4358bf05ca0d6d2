import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Transaction-log records of TxnRecords.swift.
@Suite struct TxnRecordRoundTripTests {
    @Test func txnHeader() throws {
        let h = TxnHeader(clientId: 0x1000008ab0000, cxid: 5, zxid: 0x100000003, time: 1_700_000_000_000,
                          type: OpCode.setData.rawValue)
        try expectRoundTrip(h, size: 8 + 4 + 8 + 8 + 4)
    }

    @Test func createTxn() throws {
        let t = CreateTxn(path: "/e", data: Samples.data, acl: Samples.acls, ephemeral: true, parentCVersion: 4)
        try expectRoundTrip(t, size: 6 + Size.buffer(Samples.data) + Size.acl(Samples.acls) + 1 + 4)
        try expectRoundTrip(CreateTxn(path: "/p", data: nil, acl: [], ephemeral: false, parentCVersion: -1))
        try expectRoundTrip(CreateTxn(path: "/p", data: [], acl: [], ephemeral: false, parentCVersion: 0), size: 6 + 4 + 4 + 1 + 4)
    }

    @Test func createContainerTxn() throws {
        try expectRoundTrip(CreateContainerTxn(path: "/c", data: [1, 2], acl: ACL.openACLUnsafe, parentCVersion: 2),
                            size: 6 + 6 + Size.acl(ACL.openACLUnsafe) + 4)
        try expectRoundTrip(CreateContainerTxn(path: "/c", data: nil, acl: [], parentCVersion: 0))
    }

    @Test func createTTLTxn() throws {
        try expectRoundTrip(CreateTTLTxn(path: "/t", data: [7], acl: Samples.acls, parentCVersion: 1, ttl: 1000),
                            size: 6 + 5 + Size.acl(Samples.acls) + 4 + 8)
        try expectRoundTrip(CreateTTLTxn(path: "/t", data: nil, acl: [], parentCVersion: 0, ttl: -1))
    }

    @Test func txn() throws {
        try expectRoundTrip(Txn(type: OpCode.create.rawValue, data: [1, 2, 3]), size: 4 + 7)
        try expectRoundTrip(Txn(type: OpCode.delete.rawValue, data: []), size: 8)
        var null = Txn(type: OpCode.error.rawValue, data: [])
        null.data = nil
        try expectRoundTrip(null, size: 8)
        #expect(null.encodedBytes() == hexBytes("ffffffff ffffffff"))
    }

    @Test func multiTxn() throws {
        let inner = [
            Txn(type: OpCode.create.rawValue,
                data: CreateTxn(path: "/m/a", data: [1], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 1).encodedBytes()),
            Txn(type: OpCode.delete.rawValue, data: DeleteTxn(path: "/m/b").encodedBytes()),
            Txn(type: OpCode.check.rawValue, data: CheckVersionTxn(path: "/m", version: 2).encodedBytes()),
        ]
        let m = MultiTxn(txns: inner)
        try expectRoundTrip(m, size: 4 + inner.reduce(0) { $0 + 4 + Size.buffer($1.data) })
        try expectRoundTrip(MultiTxn(txns: []), size: 4)
        // The nested records decode back out of their buffers.
        let decoded = try MultiTxn(bytes: m.encodedBytes())
        #expect(try DeleteTxn(bytes: decoded.txns[1].data ?? []) == DeleteTxn(path: "/m/b"))
    }

    @Test func txnDigest() throws {
        try expectRoundTrip(TxnDigest(version: 2, treeDigest: 0x1234_5678_9abc_def0), size: 12)
    }
}
