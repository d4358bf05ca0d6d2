#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import ZKClient
import ZKProtocol
import ZKServer
import ZKTestSupport

/// Three zkservers in this process, each with its own event loop, data dir and 127.0.0.1 ports, talking
/// through real sockets. Every wait is bounded; every server is shut down by the test.
final class EnsembleFixture: @unchecked Sendable {
    struct Member {
        var id: Int64
        var dataDir: String
        var clientPort: Int
        var config: ZooConfig
        var server: ZooKeeperServer?
    }

    var members: [Member] = []

    /// - Parameter observers: indices of the members that are observers.
    init(size: Int, observers: Set<Int> = [], tickTime: Int = 100, extra: String = "") throws {
        let ports = try (0..<(3 * size)).map { _ in try Loopback.freePort() }
        var lines: [String] = []
        for i in 0..<size {
            let role = observers.contains(i) ? ":observer" : ""
            lines.append("server.\(i + 1)=127.0.0.1:\(ports[3 * i]):\(ports[3 * i + 1])\(role);127.0.0.1:\(ports[3 * i + 2])")
        }
        for i in 0..<size {
            let dir = TemporaryDirectory.make("zkserver")
            try "\(i + 1)\n".write(toFile: dir + "/myid", atomically: true, encoding: .utf8)
            let text = """
            tickTime=\(tickTime)
            initLimit=10
            syncLimit=5
            dataDir=\(dir)
            clientPort=\(ports[3 * i + 2])
            clientPortAddress=127.0.0.1
            4lw.commands.whitelist=*
            admin.enableServer=false
            \(observers.contains(i) ? "peerType=observer" : "")
            \(lines.joined(separator: "\n"))
            \(extra)
            """
            members.append(Member(id: Int64(i + 1), dataDir: dir, clientPort: ports[3 * i + 2],
                                  config: try ZooConfig.parse(text: text, path: "member\(i + 1).cfg")))
        }
    }

    func start(_ index: Int) async throws {
        let server = try ZooKeeperServer(config: members[index].config)
        try await server.start()
        members[index].server = server
    }

    func stop(_ index: Int) async throws {
        try await members[index].server?.shutdown()
        members[index].server = nil
    }

    func stopAll() async {
        for index in members.indices { try? await stop(index) }
        for member in members { TemporaryDirectory.remove(member.dataDir) }
    }

    func host(_ index: Int) -> String { "127.0.0.1:\(members[index].clientPort)" }
    var allHosts: String { members.indices.map(host).joined(separator: ",") }

    /// srvr's Mode, or nil while the member does not serve.
    func mode(_ index: Int) async -> String? {
        guard let answer = try? await FourLetterWordQuery.send("srvr", to: HostPort(host: "127.0.0.1", port: members[index].clientPort),
                                                              timeout: .seconds(1)) else { return nil }
        return answer.split(separator: "\n").first { $0.hasPrefix("Mode: ") }.map { String($0.dropFirst(6)) }
    }

    /// Waits until the running members serve with exactly one leader; returns its index.
    func waitForLeader(seconds: Double = 20) async throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var modes: [Int: String?] = [:]
            for index in members.indices where members[index].server != nil { modes[index] = .some(await mode(index)) }
            let leaders = modes.filter { $0.value == "leader" }.map(\.key)
            // Every running member answers, with a serving mode (nil: not serving yet).
            if leaders.count == 1, modes.values.allSatisfy({ $0 == "leader" || $0 == "follower" || $0 == "observer" }) {
                return leaders[0]
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw EnsembleTimeout()
    }

    struct EnsembleTimeout: Error {}

    func client(_ hosts: String, timeout: Duration = .seconds(4)) async throws -> ZooKeeperClient {
        try await ZooKeeperClient.connect(ZooKeeperClient.Configuration(connectString: hosts, sessionTimeout: timeout))
    }
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct EnsembleTests {
    @Test func electsOneLeaderAndReplicatesThroughFollowers() async throws {
        let e = try EnsembleFixture(size: 3)
        defer { Task { await e.stopAll() } }
        for i in 0..<3 { try await e.start(i) }
        let leader = try await e.waitForLeader()
        let follower = (leader + 1) % 3
        let zk = try await e.client(e.host(follower))
        #expect(try await zk.create("/r", data: Array("one".utf8)) == "/r")
        _ = try await zk.setData("/r", data: Array("two".utf8))
        #expect(try await zk.create("/r/s-", mode: .persistentSequential) == "/r/s-0000000000")
        // A read after the write on the same connection sees it.
        #expect(try await zk.getData("/r").data == Array("two".utf8))
        for i in 0..<3 {
            let reader = try await e.client(e.host(i))
            _ = try await reader.sync("/")
            #expect(try await reader.getData("/r").data == Array("two".utf8), "member \(i + 1)")
            #expect(try await reader.getChildren("/r") == ["s-0000000000"])
            await reader.close()
        }
        // An ephemeral of a follower's client is visible everywhere and goes with the session.
        _ = try await zk.create("/eph", mode: .ephemeral)
        let leaderClient = try await e.client(e.host(leader))
        _ = try await leaderClient.sync("/")
        #expect(try await leaderClient.exists("/eph") != nil)
        await zk.close()
        _ = try await leaderClient.sync("/")
        #expect(try await leaderClient.exists("/eph") == nil)
        await leaderClient.close()
        await e.stopAll()
    }

    /// A follower's packets to the leader (forwarded writes, syncs) go out at once, not with its next tick:
    /// with a 3 s tick, 25 of them in a row take far less than one tick.
    @Test func aFollowersForwardedRequestsDoNotWaitForATick() async throws {
        let e = try EnsembleFixture(size: 3, tickTime: 3000)
        defer { Task { await e.stopAll() } }
        for i in 0..<3 { try await e.start(i) }
        let leader = try await e.waitForLeader(seconds: 60)
        let zk = try await e.client(e.host((leader + 1) % 3), timeout: .seconds(30))
        _ = try await zk.create("/quick")
        let started = ContinuousClock.now
        for i in 0..<10 {
            _ = try await zk.create("/quick/n\(i)", data: [UInt8(i)])
            _ = try await zk.setData("/quick/n\(i)", data: [UInt8(i), 1])
        }
        for _ in 0..<5 { _ = try await zk.sync("/quick") }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(3), "25 requests through a follower took \(elapsed)")
        await zk.close()
        await e.stopAll()
    }

    @Test func survivesTheLeadersLossAndTheOldLeaderCatchesUp() async throws {
        let e = try EnsembleFixture(size: 3)
        defer { Task { await e.stopAll() } }
        for i in 0..<3 { try await e.start(i) }
        let leader = try await e.waitForLeader()
        let zk = try await e.client(e.allHosts)
        var acknowledged: [String] = []
        for n in 0..<20 { acknowledged.append(try await zk.create("/k\(n)")) }
        try await e.stop(leader)
        let next = try await e.waitForLeader()
        #expect(next != leader)
        // The client fails over and keeps writing.
        for n in 20..<40 {
            while true {
                do { acknowledged.append(try await zk.create("/k\(n)")); break } catch let error as ZooKeeperError where error.code == .connectionLoss {
                    try await Task.sleep(for: .milliseconds(50))
                } catch let error as ZooKeeperError where error.code == .nodeExists {
                    acknowledged.append("/k\(n)"); break  // acknowledged before the connection dropped
                }
            }
        }
        try await e.start(leader)
        _ = try await e.waitForLeader()
        let rejoined = try await e.client(e.host(leader))
        let deadline = Date().addingTimeInterval(10)
        var children: [String] = []
        while Date() < deadline {
            _ = try? await rejoined.sync("/")
            children = (try? await rejoined.getChildren("/")) ?? []
            if children.count >= 41 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Set(acknowledged.map { String($0.dropFirst()) }).isSubset(of: Set(children)))
        await rejoined.close()
        await zk.close()
        await e.stopAll()
    }

    @Test func aFollowerFarBehindGetsASnapshot() async throws {
        // A small snapCount makes the leader trim its in-memory log, so the returning follower needs SNAP.
        let e = try EnsembleFixture(size: 3, extra: "snapCount=20")
        defer { Task { await e.stopAll() } }
        for i in 0..<3 { try await e.start(i) }
        let leader = try await e.waitForLeader()
        let away = (leader + 1) % 3
        try await e.stop(away)
        let zk = try await e.client(e.host(leader))
        for n in 0..<120 { _ = try await zk.create("/s\(n)", data: Array(repeating: UInt8(n), count: 10)) }
        try await e.start(away)
        _ = try await e.waitForLeader()
        let reader = try await e.client(e.host(away))
        let deadline = Date().addingTimeInterval(10)
        var count = 0
        while Date() < deadline {
            _ = try? await reader.sync("/")
            count = (try? await reader.getChildren("/"))?.count ?? 0
            if count == 121 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(count == 121)
        #expect(try await reader.getData("/s77").data == Array(repeating: 77, count: 10))
        await reader.close()
        await zk.close()
        await e.stopAll()
    }

    @Test func anObserverServesAndForwardsButDoesNotVote() async throws {
        let e = try EnsembleFixture(size: 4, observers: [3])
        defer { Task { await e.stopAll() } }
        for i in 0..<4 { try await e.start(i) }
        let leader = try await e.waitForLeader()
        #expect(leader != 3)
        #expect(await e.mode(3) == "observer")
        let zk = try await e.client(e.host(3))
        #expect(try await zk.create("/o", data: [7]) == "/o")
        #expect(try await zk.getData("/o").data == [7])
        // Losing the observer costs no quorum; losing a follower too still leaves two of three voters.
        try await e.stop(3)
        try await e.stop((leader + 1) % 3)
        let other = try await e.client(e.host(leader))
        #expect(try await other.create("/still") == "/still")
        await other.close()
        await zk.close()
        await e.stopAll()
    }

    @Test func theZxidCounterRunningOutStartsANewEpoch() async throws {
        // Apache's counter is 32 bits; a tiny limit makes the leader step down after a few writes.
        let e = try EnsembleFixture(size: 3, extra: "zxidCounterLimit=15")
        defer { Task { await e.stopAll() } }
        for i in 0..<3 { try await e.start(i) }
        _ = try await e.waitForLeader()
        let zk = try await e.client(e.allHosts)
        var acknowledged: Set<String> = []
        for n in 0..<40 {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                do { acknowledged.insert(try await zk.create("/c\(n)")); break } catch let error as ZooKeeperError where error.code == .nodeExists {
                    acknowledged.insert("/c\(n)"); break
                } catch {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        _ = try await zk.sync("/")
        let children = Set(try await zk.getChildren("/").map { "/" + $0 })
        #expect(acknowledged.count == 40 && acknowledged.isSubset(of: children), "missing: \(acknowledged.subtracting(children).sorted())")
        // Several epochs went by.
        let stat = try #require(try await zk.exists("/c39"))
        #expect(stat.czxid >> 32 > 1)
        await zk.close()
        await e.stopAll()
    }

    @Test func aMemberWithoutQuorumServesReadOnlyClientsWhenEnabled() async throws {
        let e = try EnsembleFixture(size: 3, extra: "readonlymode.enabled=true")
        defer { Task { await e.stopAll() } }
        for i in 0..<3 { try await e.start(i) }
        let leader = try await e.waitForLeader()
        let writer = try await e.client(e.host(leader))
        _ = try await writer.create("/ro", data: [1])
        _ = try await writer.sync("/")
        await writer.close()
        let survivor = (leader + 1) % 3
        for i in 0..<3 where i != survivor { try await e.stop(i) }
        // Apache waits max(2 s, tickTime) without quorum before it serves read-only clients.
        let deadline = Date().addingTimeInterval(15)
        var mode: String?
        while Date() < deadline {
            mode = await e.mode(survivor)
            if mode == "read-only" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(mode == "read-only")
        var configuration = ZooKeeperClient.Configuration(connectString: e.host(survivor), sessionTimeout: .seconds(4), readOnly: true)
        configuration.shuffleHosts = false
        let reader = try await ZooKeeperClient.connect(configuration)
        #expect(reader.state == .connectedReadOnly)
        #expect(try await reader.getData("/ro").data == [1])
        do {
            _ = try await reader.create("/nope")
            Issue.record("a write succeeded in read-only mode")
        } catch let error as ZooKeeperError {
            #expect(error.code == .notReadOnly)
        }
        await reader.close()
        // A client that does not ask for read-only is refused meanwhile.
        await #expect(throws: (any Error).self) { _ = try await e.client(e.host(survivor), timeout: .seconds(1)) }
        for i in 0..<3 where i != survivor { try await e.start(i) }
        _ = try await e.waitForLeader()
        let back = try await e.client(e.allHosts)
        #expect(try await back.create("/rw-again") == "/rw-again")
        await back.close()
        await e.stopAll()
    }
}
