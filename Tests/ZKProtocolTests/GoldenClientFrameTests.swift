import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Client frames captured from real ZooKeeper 3.8.0 clients: decode them, and re-encode them byte for byte.
@Suite struct GoldenClientFrameTests {
    /// What each file's header says the session did, in the words of `describe(_:)`.
    static let scripts: [String: [String]] = [
        "cli_mt-session.txt": [
            #"create /cgolden "new" [world:anyone:cdrwa] flags=0"#,
            "getData /cgolden watch=true",
            "getChildren / watch=true",
            "delete /cgolden v=-1",
            "closeSession",
        ],
        "kazoo-session.txt": [
            #"create /kgolden "hello" [world:anyone:cdrwa] flags=0"#,
            "exists /kgolden watch=false",
            "exists /kgolden-missing watch=false",
            "getChildren / watch=false",
            #"multi[create /kgolden/a "x" [world:anyone:cdrwa] flags=0; setData /kgolden "y" v=-1; check /kgolden v=1; delete /kgolden/a v=-1]"#,
            #"multi[create /kgolden/b "" [world:anyone:cdrwa] flags=0; delete /nonexistent v=-1]"#,
            "delete /kgolden v=-1",
            "closeSession",
        ],
        "zkcli-session.txt": [
            #"create /golden "hello" [world:anyone:cdrwa] flags=0"#,
            "getData /golden watch=false",
            #"setData /golden "world" v=-1"#,
            "getChildren2 / watch=false",
            "delete /golden v=-1",
            "closeSession",
        ],
    ]

    @Test func goldenFilesArePresent() {
        #expect(Set(Self.scripts.keys).isSubset(of: Golden.fileNames), "looked in \(Golden.directory.path)")
    }

    @Test(arguments: Golden.fileNames)
    func everyFrameIsWhollyLengthPrefixed(_ name: String) throws {
        let file = try Golden.load(name)
        #expect(!file.frames.isEmpty)
        for frame in file.frames {
            #expect(frame.declaredLength == frame.bytes.count - 4, "line \(frame.line)")
        }
    }

    @Test(arguments: Golden.fileNames)
    func connectRequestDecodesAndReencodes(_ name: String) throws {
        let file = try Golden.load(name)
        let hello = try #require(file.clientFrames.first)
        // Every capture used the 45-byte form with the readOnly byte.
        #expect(hello.body.count == 45)
        let request = try decodeRecord(ConnectRequest.self, hello.body)
        #expect(request.protocolVersion == 0)
        #expect(request.lastZxidSeen == 0)
        #expect(request.sessionId == 0)
        #expect(request.passwd == [UInt8](repeating: 0, count: 16))
        #expect(request.readOnly == false)
        #expect(request.timeOut > 0)
        #expect(request.encodedBytes() == hello.body)
    }

    @Test(arguments: Golden.fileNames)
    func requestsDecodeAndReencodeExactly(_ name: String) throws {
        let file = try Golden.load(name)
        for frame in file.clientFrames.dropFirst() {
            var buffer = ByteBuffer(bytes: frame.body)
            let request = try ClientRequest(frame: &buffer)
            #expect(buffer.readableBytes == 0, "line \(frame.line) left bytes unread")
            #expect(request.opCode != nil, "line \(frame.line)")
            var framed = ByteBuffer()
            framed.writeFrame { request.encode(into: &$0) }
            #expect(framed.allBytes == frame.bytes, "line \(frame.line): \(describe(request))")
        }
    }

    @Test(arguments: Golden.fileNames)
    func requestsMatchTheSessionInTheHeader(_ name: String) throws {
        let file = try Golden.load(name)
        let session = try DecodedSession(file)
        let expected = try #require(Self.scripts[name], "no script for \(name)")
        #expect(session.requests.map(describe) == expected)
        // The header names every path the session touched.
        for request in session.requests {
            if let path = request.body.primaryPath { #expect(file.header.contains(path), "\(path) not in header") }
        }
    }

    @Test(arguments: Golden.fileNames)
    func xidsCountUpByOne(_ name: String) throws {
        let session = try DecodedSession(try Golden.load(name))
        let xids = session.requests.map(\.xid)
        #expect(xids.allSatisfy { $0 > 0 })
        #expect(zip(xids, xids.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "\(xids)")
    }
}
