import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Every strict prefix of an encoded record must throw a JuteError rather than trap or yield a value.
@Suite struct TruncationTests {
    /// An encoded record and a decoder for it, type-erased so one test can walk them all.
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let decode: @Sendable ([UInt8]) throws -> Void
        var testDescription: String { name }

        static func of<T: JuteRecord>(_ value: T, _ name: String = "\(T.self)") -> Sample {
            Sample(name: name, bytes: value.encodedBytes(), decode: { _ = try decodeRecord(T.self, $0) })
        }
    }

    static let samples: [Sample] = {
        var s: [Sample] = [
            .of(PathRecord(path: "/p")), .of(PathWatchRecord(path: "/p", watch: true)),
            .of(PathVersionRecord(path: "/p", version: 1)), .of(PathTypeRecord(path: "/p", type: 1)),
            .of(StatRecord(stat: Samples.stat)), .of(StringsRecord(strings: ["a", "bc", ""])), .of(IntRecord(value: 1)),
            .of(BufferRecord(bytes: [1, 2, 3])), .of(Id.anyone), .of(Samples.acls[1]), .of(Samples.stat), .of(StatPersisted()),
            .of(ClientInfo(authScheme: "ip", user: "h")), .of(RequestHeader(xid: 1, op: .create)),
            .of(ReplyHeader(xid: 1, zxid: 2, err: .ok)), .of(MultiHeader.terminator),
            .of(AuthPacket(scheme: "digest", auth: [1])),
            .of(CreateRequest(path: "/c", data: [1], acl: Samples.acls, flags: 1)),
            .of(CreateRequest(path: "/c", data: nil, acl: [], flags: 1), "CreateRequest(null data)"),
            .of(CreateTTLRequest(path: "/t", data: [1], acl: ACL.openACLUnsafe, flags: 5, ttl: 9)),
            .of(SetDataRequest(path: "/s", data: [1, 2], version: 3)), .of(SetACLRequest(path: "/s", acl: Samples.acls, version: 1)),
            .of(Create2Response(path: "/c", stat: Samples.stat)), .of(GetDataResponse(data: [5], stat: Samples.stat)),
            .of(GetChildren2Response(children: ["x", "y"], stat: Stat())), .of(GetACLResponse(acl: Samples.acls, stat: Stat())),
            .of(WatcherEvent(type: .nodeCreated, state: .syncConnected, path: "/w")),
            .of(SetWatches(relativeZxid: 1, dataWatches: ["/a"], existWatches: ["/b"], childWatches: ["/c"])),
            .of(WhoAmIResponse(clientInfo: [ClientInfo(authScheme: "ip", user: "h")])),
            .of(ReconfigRequest(joiningServers: "j", leavingServers: nil, newMembers: "", curConfigId: 1)),
            .of(TxnHeader(clientId: 1, cxid: 2, zxid: 3, time: 4, type: 5)),
            .of(CreateTxn(path: "/c", data: [1], acl: Samples.acls, ephemeral: true, parentCVersion: 1)),
            .of(CreateContainerTxn(path: "/c", data: [1], acl: ACL.openACLUnsafe, parentCVersion: 1)),
            .of(CreateTTLTxn(path: "/c", data: [1], acl: ACL.openACLUnsafe, parentCVersion: 1, ttl: 2)),
            .of(Txn(type: 1, data: [1, 2])), .of(MultiTxn(txns: [Txn(type: 1, data: [1]), Txn(type: 2, data: [])])),
            .of(TxnDigest(version: 1, treeDigest: 2)),
            .of(ConnectRequest(lastZxidSeen: 1, timeOut: 2, sessionId: 3, passwd: Array(0..<16), readOnly: nil), "ConnectRequest(44)"),
            .of(ConnectResponse(timeOut: 2, sessionId: 3, passwd: Array(0..<16), readOnly: nil), "ConnectResponse(36)"),
            .of(MultiRequest(ops: MultiRoundTripTests.everyOp)), .of(MultiResponse(results: MultiRoundTripTests.everyResult)),
        ]
        s.append(Sample(name: "SetWatches2", bytes: SetWatches(
            relativeZxid: 1, dataWatches: [], existWatches: [], childWatches: [], persistentWatches: ["/p"],
            persistentRecursiveWatches: ["/r"]).encodedBytes(), decode: { bytes in
                var b = ByteBuffer(bytes: bytes)
                _ = try SetWatches(from: &b, version2: true)
            }))
        return s
    }()

    @Test(arguments: samples)
    func everyCutThrows(_ sample: Sample) throws {
        try sample.decode(sample.bytes)
        for cut in 0..<sample.bytes.count {
            #expect(throws: JuteError.self, "cut at \(cut) of \(sample.bytes.count)") {
                try sample.decode(Array(sample.bytes[..<cut]))
            }
        }
    }

    /// The long handshake forms cut before the flag are the short forms; every other cut throws.
    @Test func handshakeCuts() throws {
        let request = ConnectRequest(lastZxidSeen: 1, timeOut: 2, sessionId: 3, passwd: Array(0..<16), readOnly: true).encodedBytes()
        let response = ConnectResponse(timeOut: 2, sessionId: 3, passwd: Array(0..<16), readOnly: true).encodedBytes()
        for cut in 0..<request.count {
            let prefix = Array(request[..<cut])
            if cut == 44 { #expect(try decodeRecord(ConnectRequest.self, prefix).readOnly == nil) } else {
                #expect(throws: JuteError.self) { try decodeRecord(ConnectRequest.self, prefix) }
            }
        }
        for cut in 0..<response.count {
            let prefix = Array(response[..<cut])
            if cut == 36 { #expect(try decodeRecord(ConnectResponse.self, prefix).readOnly == nil) } else {
                #expect(throws: JuteError.self) { try decodeRecord(ConnectResponse.self, prefix) }
            }
        }
    }

    @Test(arguments: ClientRequestRoundTripTests.everyRequest)
    func clientRequestCutsThrow(_ request: ClientRequest) throws {
        var full = ByteBuffer()
        request.encode(into: &full)
        let bytes = full.allBytes
        // Header-only requests are complete after 8 bytes; only shorter cuts are truncated.
        let cuts = bytes.count == 8 ? 0..<8 : 0..<bytes.count
        for cut in cuts {
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            #expect(throws: JuteError.self, "cut at \(cut)") { try ClientRequest(frame: &buffer) }
        }
    }

    @Test(arguments: Golden.fileNames)
    func goldenFrameCutsThrow(_ name: String) throws {
        let file = try Golden.load(name)
        let session = try DecodedSession(file)
        for frame in file.clientFrames.dropFirst() where frame.body.count > 8 {
            for cut in 0..<frame.body.count {
                var buffer = ByteBuffer(bytes: frame.body[..<cut])
                #expect(throws: JuteError.self, "line \(frame.line) cut \(cut)") { try ClientRequest(frame: &buffer) }
            }
        }
        for reply in session.replies where reply.frame.body.count > ReplyHeader.encodedSize {
            let body = Array(reply.frame.body.dropFirst(ReplyHeader.encodedSize))
            for cut in 0..<body.count {
                #expect(throws: JuteError.self, "line \(reply.frame.line) cut \(cut)") {
                    try GoldenReply.decodeBody(Array(body[..<cut]), header: reply.header, request: reply.request)
                }
            }
        }
    }
}
