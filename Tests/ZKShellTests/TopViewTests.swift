import Testing
@testable import ZKShell

/// top's arithmetic: lag within and across epochs, rates between two looks, the orders its keys choose,
/// and a down member as one short cell.
@Suite struct TopViewTests {
    static func member(_ server: String, _ mode: String?, zxid: Int64? = nil, received: Int64? = nil, p99: Double? = nil,
                       connections: Int? = nil, error: String? = nil) -> MemberStatus {
        var m = MemberStatus(server: server)
        m.mode = mode; m.zxid = zxid; m.packetsReceived = received; m.latencyP99 = p99; m.connections = connections
        m.error = error
        return m
    }

    @Test func lagAndRatesBetweenLooks() {
        var view = TopView()
        let first = view.frame([Self.member("a:1", "leader", zxid: 0x3_0000_0010, received: 100),
                                Self.member("b:1", "follower", zxid: 0x3_0000_000c, received: 50),
                                Self.member("c:1", "follower", zxid: 0x2_0000_0040, received: 10)], atMillis: 0, intervalMs: 2000)
        #expect(first.rows.map(\.lag) == [0, 4, nil])
        #expect(first.rows.map(\.lagsEpochs) == [false, false, true])
        #expect(first.rows.allSatisfy { $0.requestsPerSecond == nil })
        let second = view.frame([Self.member("a:1", "leader", zxid: 0x3_0000_0010, received: 300),
                                 Self.member("b:1", "follower", zxid: 0x3_0000_0010, received: 50),
                                 // srst between the looks: the counter went back, so no rate rather than a negative one
                                 Self.member("c:1", "follower", zxid: 0x3_0000_0010, received: 5)], atMillis: 2000, intervalMs: 2000)
        #expect(second.rows.map(\.requestsPerSecond) == [100, 0, nil])
        #expect(second.rows.map(\.lag) == [0, 0, 0])
    }

    @Test func keysChooseTheOrder() {
        var view = TopView()
        let members = [Self.member("a:1", "follower", zxid: 0x1_0000_0001, p99: 2, connections: 1),
                       Self.member("b:1", "leader", zxid: 0x1_0000_0009, p99: 9, connections: 5),
                       Self.member("c:1", "observer", zxid: 0x1_0000_0005, p99: nil, connections: 3),
                       Self.member("d:1", nil, error: "Connection refused")]
        let byServer = view.frame(members, atMillis: 0, intervalMs: 1000)
        #expect(byServer.rows.map(\.member.server) == ["a:1", "b:1", "c:1", "d:1"])
        view.order = .mode
        #expect(view.resorted(byServer).rows.map(\.member.server) == ["b:1", "a:1", "c:1", "d:1"])
        view.order = .lag
        #expect(view.resorted(byServer).rows.map(\.member.server) == ["a:1", "c:1", "b:1", "d:1"])
        view.order = .latency
        #expect(view.resorted(byServer).rows.map(\.member.server) == ["b:1", "a:1", "c:1", "d:1"])
        view.order = .connections
        #expect(view.resorted(byServer).rows.map(\.member.server) == ["b:1", "c:1", "a:1", "d:1"])
        #expect(TopView.Order(rawValue: "q") == nil)
    }

    @Test func aDownMemberIsOneShortCellUnderMode() {
        var view = TopView()
        let frame = view.frame([Self.member("127.0.0.1:2181", "leader", zxid: 0x1_0000_0002, received: 7),
                                Self.member("127.0.0.1:2182", nil, error: "connect(...): Connection refused (errno: 111)")],
                               atMillis: 0, intervalMs: 2000)
        let lines = TextRenderer.top(frame).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("every 2 s, sorted by server (keys s m l r p c sort, q quits)"))
        #expect(lines[1].hasPrefix("SERVER          MODE    ZXID         EPOCH  LAG"))
        #expect(lines[1].count <= 80 && lines[2].contains("0x100000002"))
        let wide = TextRenderer.top(frame, style: TextStyle(width: nil)).split(separator: "\n").map(String.init)
        #expect(wide[1].hasSuffix("NODES  FSYNC99"))
        #expect(lines[3] == "127.0.0.1:2182  down: connection refused")
        #expect(lines[3].firstRange(of: "down")?.lowerBound.utf16Offset(in: lines[3]) == lines[1].firstRange(of: "MODE")?.lowerBound.utf16Offset(in: lines[1]))
        let json = JSONRenderer.render(.top(frame))
        #expect(json.hasPrefix(#"{"intervalMs":2000,"sortedBy":"server","members":[{"server":"127.0.0.1:2181","mode":"leader""#))
        #expect(json.contains(#""lag":0,"behindByEpochs":false,"requestsPerSecond":null"#))
    }
}
