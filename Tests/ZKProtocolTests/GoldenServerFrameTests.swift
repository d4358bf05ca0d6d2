import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// Server frames captured from Apache ZooKeeper 3.8.0: the handshake reply, then reply headers with bodies
/// decoded by the type of the request of the same xid; each frame is rebuilt with writeReply byte for byte.
@Suite struct GoldenServerFrameTests {
    @Test(arguments: Golden.fileNames)
    func connectResponseDecodesAndReencodes(_ name: String) throws {
        let file = try Golden.load(name)
        let welcome = try #require(file.serverFrames.first)
        #expect(welcome.body.count == 37)
        let session = try DecodedSession(file)
        let response = session.connectResponse
        #expect(response.protocolVersion == 0)
        #expect(response.timeOut == session.connectRequest.timeOut)
        #expect(response.sessionId != 0)
        #expect(response.passwd.count == 16)
        #expect(response.readOnly == false)
        #expect(response.encodedBytes() == welcome.body)
    }

    @Test(arguments: Golden.fileNames)
    func everyRequestGetsExactlyOneReply(_ name: String) throws {
        let session = try DecodedSession(try Golden.load(name))
        #expect(session.unanswered.isEmpty)
        #expect(session.unexpectedXids.isEmpty)
        #expect(session.replies.filter { $0.request != nil }.count == session.requests.count)
    }

    @Test(arguments: Golden.fileNames)
    func repliesReencodeExactly(_ name: String) throws {
        let session = try DecodedSession(try Golden.load(name))
        for reply in session.replies {
            var framed = ByteBuffer()
            framed.writeReply(reply.header, reply.body.record)
            #expect(framed.allBytes == reply.frame.bytes, "line \(reply.frame.line)")
        }
    }

    @Test(arguments: Golden.fileNames)
    func replyZxidsNeverGoBackwards(_ name: String) throws {
        let session = try DecodedSession(try Golden.load(name))
        let zxids = session.replies.filter { $0.request != nil }.map(\.header.zxid)
        #expect(zip(zxids, zxids.dropFirst()).allSatisfy { $0 <= $1 }, "\(zxids)")
    }

    @Test(arguments: Golden.fileNames)
    func notificationsUseThe38Header(_ name: String) throws {
        let session = try DecodedSession(try Golden.load(name))
        for reply in session.replies where reply.request == nil {
            #expect(reply.header == ReplyHeader(xid: -1, zxid: -1, err: .ok))
        }
    }

    @Test func zkcliReplies() throws {
        let session = try DecodedSession(try Golden.load("zkcli-session.txt"))
        let bodies = session.replies.map(\.body)
        try #require(bodies.count == 6)
        #expect(bodies[0] == .create(CreateResponse(path: "/golden")))
        guard case .getData(let get) = bodies[1] else { Issue.record("getData reply: \(bodies[1])"); return }
        #expect(get.data == Array("hello".utf8))
        #expect(get.stat.dataLength == 5 && get.stat.version == 0 && get.stat.ephemeralOwner == 0)
        #expect(get.stat.czxid == get.stat.mzxid && get.stat.ctime == get.stat.mtime)
        guard case .stat(let set) = bodies[2] else { Issue.record("setData reply: \(bodies[2])"); return }
        #expect(set.stat.version == 1 && set.stat.dataLength == 5 && set.stat.czxid == get.stat.czxid)
        guard case .children2(let ls) = bodies[3] else { Issue.record("getChildren2 reply: \(bodies[3])"); return }
        #expect(Set(ls.children) == ["golden", "zookeeper"])
        #expect(ls.stat.numChildren == 2)
        #expect(bodies[4] == .empty && bodies[5] == .empty)
        #expect(session.replies.allSatisfy { $0.header.error == .ok })
    }

    @Test func kazooReplies() throws {
        let session = try DecodedSession(try Golden.load("kazoo-session.txt"))
        let byXid = Dictionary(uniqueKeysWithValues: session.replies.map { ($0.header.xid, $0) })
        #expect(byXid[1]?.body == .create(CreateResponse(path: "/kgolden")))
        guard case .stat(let exists)? = byXid[2]?.body else { Issue.record("exists reply"); return }
        #expect(exists.stat.dataLength == 5)
        // exists on a missing node: NoNode with no body.
        #expect(byXid[3]?.header.error == .noNode)
        #expect(byXid[3]?.body == .empty)
        guard case .children(let ls)? = byXid[4]?.body else { Issue.record("getChildren reply"); return }
        #expect(ls.strings.contains("kgolden") && ls.strings.contains("zookeeper"))
        // The committed transaction: one result per op, in order.
        guard case .multi(let ok)? = byXid[5]?.body else { Issue.record("multi reply"); return }
        try #require(ok.results.count == 4)
        #expect(ok.results[0] == .create(path: "/kgolden/a"))
        guard case .setData(let stat) = ok.results[1] else { Issue.record("setData result"); return }
        #expect(stat.version == 1 && stat.dataLength == 1 && stat.numChildren == 1)
        #expect(ok.results[2] == .check && ok.results[3] == .delete)
        // The failed transaction: header err 0; every op as an error result (0 for rolled back, then NoNode).
        #expect(byXid[6]?.header.error == .ok)
        #expect(byXid[6]?.body == .multi(MultiResponse(results: [.error(.ok), .error(.noNode)])))
        #expect(byXid[7]?.body == .empty && byXid[8]?.body == .empty)
    }

    @Test func cliMtRepliesAndNotifications() throws {
        let session = try DecodedSession(try Golden.load("cli_mt-session.txt"))
        let events = session.replies.compactMap { reply -> WatcherEvent? in
            if case .notification(let e) = reply.body { return e } else { return nil }
        }
        #expect(events == [
            WatcherEvent(type: .nodeDeleted, state: .syncConnected, path: "/cgolden"),
            WatcherEvent(type: .nodeChildrenChanged, state: .syncConnected, path: "/"),
        ])
        let answers = session.replies.filter { $0.request != nil }.map(\.body)
        try #require(answers.count == 5)
        #expect(answers[0] == .create(CreateResponse(path: "/cgolden")))
        guard case .getData(let get) = answers[1] else { Issue.record("getData reply"); return }
        #expect(get.data == Array("new".utf8))
        guard case .children(let ls) = answers[2] else { Issue.record("getChildren reply"); return }
        #expect(ls.strings.contains("cgolden"))
        // Both watches fire before the delete is answered.
        let order = session.replies.map { $0.request?.opCode }
        #expect(order == [.create, .getData, .getChildren, nil, nil, .delete, .closeSession])
    }
}
