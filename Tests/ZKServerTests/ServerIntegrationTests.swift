import Testing
import ZKClient
import ZKProtocol
import ZKServer

/// The real server over real loopback sockets, driven by our client library.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServerIntegrationTests {
    @Test func crudAndErrors() async throws {
        let fixture = try await ServerFixture.start()
        let zk = try await fixture.client()
        #expect(try await zk.create("/a", data: Array("hello".utf8)) == "/a")
        let (data, stat) = try await zk.getData("/a")
        #expect(data == Array("hello".utf8))
        #expect(stat.version == 0)
        #expect(try await zk.setData("/a", data: [1], version: 0).version == 1)
        await #expect(throws: ZooKeeperError.self) { try await zk.setData("/a", data: [2], version: 0) }
        do {
            _ = try await zk.getData("/missing")
            Issue.record("expected NoNode")
        } catch let error as ZooKeeperError {
            #expect(error.code == .noNode)
        }
        #expect(try await zk.create("/a/s-", mode: .persistentSequential) == "/a/s-0000000000")
        #expect(try await zk.getChildren("/a") == ["s-0000000000"])
        #expect(try await zk.exists("/nothing") == nil)
        #expect(try await zk.getAllChildrenNumber("/a") == 1)
        await zk.close()
        try await fixture.stop()
    }

    @Test func watchEventsArriveBeforeTheReadThatShowsTheChange() async throws {
        let fixture = try await ServerFixture.start()
        let watcher = try await fixture.client()
        let writer = try await fixture.client()
        _ = try await writer.create("/w", data: [0])
        var events = watcher.makeEvents().makeAsyncIterator()
        _ = try await watcher.getData("/w", watch: true)
        _ = try await writer.setData("/w", data: [1])
        // The watcher's next read is ordered after the notification on its connection.
        let (data, _) = try await watcher.getData("/w")
        #expect(data == [1])
        var sawChange = false
        while let event = await events.next() {
            if case .watch(let type, _, let path) = event, type == .nodeDataChanged, path == "/w" { sawChange = true; break }
        }
        #expect(sawChange)
        await watcher.close()
        await writer.close()
        try await fixture.stop()
    }

    @Test func ephemeralsGoWithTheirSession() async throws {
        let fixture = try await ServerFixture.start()
        let owner = try await fixture.client()
        let other = try await fixture.client()
        _ = try await owner.create("/e", mode: .ephemeral)
        #expect(try await owner.getEphemerals("/") == ["/e"])
        await owner.close()
        #expect(try await other.exists("/e") == nil)
        await other.close()
        try await fixture.stop()
    }

    @Test func fourLetterWordsAnswerAndClose() async throws {
        let fixture = try await ServerFixture.start()
        let socket = try RawSocket(port: fixture.port)
        socket.send(Array("ruok".utf8))
        let (bytes, closed) = socket.readToEnd()
        socket.close()
        #expect(String(decoding: bytes, as: UTF8.self) == "imok")
        #expect(closed)
        // dirs reports the bytes the log holds (preallocated, so never zero once a write landed).
        let zk = try await fixture.client()
        _ = try await zk.create("/sized", data: Array(repeating: 1, count: 100))
        await zk.close()
        let dirs = try RawSocket(port: fixture.port)
        dirs.send(Array("dirs".utf8))
        let text = String(decoding: dirs.readToEnd().bytes, as: UTF8.self)
        dirs.close()
        #expect(text.hasPrefix("datadir_size: "))
        #expect(!text.contains("logdir_size: 0\n"), "\(text)")
        try await fixture.stop()
    }

    @Test func hostileFramesCloseOnlyTheirConnection() async throws {
        let fixture = try await ServerFixture.start()
        let zk = try await fixture.client()
        _ = try await zk.create("/survivor")
        let hostile: [[UInt8]] = [
            [0x7f, 0xff, 0xff, 0xff, 1, 2, 3],                  // oversized length
            [0xff, 0xff, 0xff, 0xf0],                           // negative length
            [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0],               // truncated connect request
            (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) },  // noise
        ]
        for bytes in hostile {
            let socket = try RawSocket(port: fixture.port)
            socket.send(bytes)
            let (_, closed) = socket.readToEnd()
            socket.close()
            #expect(closed)
        }
        // A handshake followed by a garbage request: the session's connection closes, others live on.
        let socket = try RawSocket(port: fixture.port)
        var handshake: [UInt8] = [0, 0, 0, 45]
        handshake += ConnectRequest(lastZxidSeen: 0, timeOut: 4000, sessionId: 0, passwd: Array(repeating: 0, count: 16), readOnly: false).encodedBytes()
        socket.send(handshake + [0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 1])  // create with no body
        let (_, closed) = socket.readToEnd()
        socket.close()
        #expect(closed)
        #expect(try await zk.exists("/survivor") != nil)
        await zk.close()
        try await fixture.stop()
    }

    @Test func sessionCanBeResumedOnAnotherConnection() async throws {
        let fixture = try await ServerFixture.start()
        let zk = try await fixture.client()
        _ = try await zk.create("/eph", mode: .ephemeral)
        func handshake(session: Int64, passwd: [UInt8]) throws -> ConnectResponse? {
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            socket.send([0, 0, 0, 45] + ConnectRequest(lastZxidSeen: 0, timeOut: 4000, sessionId: session, passwd: passwd, readOnly: false).encodedBytes())
            let (bytes, _) = socket.readToEnd()
            guard bytes.count >= 4 else { return nil }
            return try ConnectResponse(bytes: bytes.dropFirst(4))
        }
        let resumed = try handshake(session: zk.sessionId, passwd: zk.sessionPassword)
        #expect(resumed?.sessionId == zk.sessionId)
        #expect(resumed?.readOnly == false)
        let forged = try handshake(session: zk.sessionId, passwd: Array(repeating: 1, count: 16))
        #expect(forged?.sessionId == 0)
        #expect(forged?.timeOut == 0)
        try await fixture.stop()
    }
}
