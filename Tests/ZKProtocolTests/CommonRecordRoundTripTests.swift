import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// The shared-shape records of CommonRecords.swift and their Apache-named aliases.
@Suite struct CommonRecordRoundTripTests {
    @Test func pathRecord() throws {
        try expectRoundTrip(PathRecord(path: "/a/b"), size: 8)
        try expectRoundTrip(PathRecord(path: ""), size: 4)
        try expectRoundTrip(PathRecord(path: Samples.unicodePath), size: Size.string(Samples.unicodePath))
        try expectRoundTrip(GetACLRequest(path: "/acl"))
        try expectRoundTrip(SyncRequest(path: "/sync"))
        try expectRoundTrip(SyncResponse(path: "/sync"))
        try expectRoundTrip(CreateResponse(path: "/seq0000000001"))
        try expectRoundTrip(GetAllChildrenNumberRequest(path: "/"))
        try expectRoundTrip(GetEphemeralsRequest(path: "/eph"))
        try expectRoundTrip(DeleteTxn(path: "/gone"))
    }

    @Test func pathRecordReadsNullPathAsEmpty() throws {
        #expect(try PathRecord(bytes: hexBytes("ffffffff")) == PathRecord(path: ""))
    }

    @Test func pathWatchRecord() throws {
        try expectRoundTrip(PathWatchRecord(path: "/w", watch: true), size: 7)
        try expectRoundTrip(PathWatchRecord(path: "/w", watch: false), size: 7)
        #expect(PathWatchRecord(path: "/", watch: true).encodedBytes() == hexBytes("000000012f01"))
        try expectRoundTrip(ExistsRequest(path: "/e", watch: true))
        try expectRoundTrip(GetDataRequest(path: "/d", watch: false))
        try expectRoundTrip(GetChildrenRequest(path: "/c", watch: true))
        try expectRoundTrip(GetChildren2Request(path: "/c2", watch: false))
    }

    @Test func pathVersionRecord() throws {
        try expectRoundTrip(PathVersionRecord(path: "/v", version: -1), size: 10)
        #expect(DeleteRequest(path: "/", version: -1).encodedBytes() == hexBytes("000000012f ffffffff"))
        try expectRoundTrip(DeleteRequest(path: "/del", version: Int32.max))
        try expectRoundTrip(CheckVersionRequest(path: "/chk", version: 0))
        try expectRoundTrip(CheckVersionTxn(path: "/chk", version: 3))
    }

    @Test func pathTypeRecord() throws {
        try expectRoundTrip(PathTypeRecord(path: "/t", type: 3), size: 10)
        try expectRoundTrip(CheckWatchesRequest(path: "/cw", type: WatcherType.any.rawValue))
        try expectRoundTrip(RemoveWatchesRequest(path: "/rw", type: WatcherType.persistentRecursive.rawValue))
        try expectRoundTrip(AddWatchRequest(path: "/aw", type: AddWatchMode.persistentRecursive.rawValue))
    }

    @Test func statRecord() throws {
        try expectRoundTrip(StatRecord(stat: Samples.stat), size: 68)
        try expectRoundTrip(ExistsResponse(stat: Samples.stat2), size: 68)
        try expectRoundTrip(SetDataResponse(stat: Stat()), size: 68)
        try expectRoundTrip(SetACLResponse(stat: Samples.stat))
    }

    @Test func stringsRecord() throws {
        let children = ["zookeeper", "", Samples.unicodePath, "a"]
        try expectRoundTrip(StringsRecord(strings: children), size: Size.strings(children))
        try expectRoundTrip(StringsRecord(strings: []), size: 4)
        try expectRoundTrip(GetChildrenResponse(strings: ["x"]))
        try expectRoundTrip(GetEphemeralsResponse(strings: ["/e1", "/e2"]))
        try expectRoundTrip(CloseSessionTxn(strings: ["/eph"]))
    }

    @Test func stringsRecordReadsNullVectorAsEmpty() throws {
        #expect(try StringsRecord(bytes: hexBytes("ffffffff")) == StringsRecord(strings: []))
    }

    @Test func intRecord() throws {
        try expectRoundTrip(IntRecord(value: -101), size: 4)
        try expectRoundTrip(ErrorResponse(value: 0))
        try expectRoundTrip(GetAllChildrenNumberResponse(value: Int32.max))
        try expectRoundTrip(ErrorTxn(value: Int32.min))
        try expectRoundTrip(CreateSessionTxn(value: 30_000))
    }

    @Test func bufferRecord() throws {
        try expectRoundTrip(BufferRecord(bytes: Samples.data), size: Size.buffer(Samples.data))
        try expectRoundTrip(BufferRecord(bytes: []), size: 4)
        try expectRoundTrip(GetSASLRequest(bytes: [1, 2, 3]))
        try expectRoundTrip(SetSASLResponse(bytes: [0]))
        #expect(try decodeRecord(BufferRecord.self, hexBytes("ffffffff")) == BufferRecord(bytes: []))
        // BufferRecord's memberwise init(bytes:) shadows the decoding init(bytes:) for the concrete type.
        #expect(BufferRecord(bytes: hexBytes("ffffffff")).bytes == [0xff, 0xff, 0xff, 0xff])
    }
}
