/// `top`'s arithmetic, apart from the terminal: successive ensemble views become rows with each member's
/// lag behind the leader and its request rate between two looks, sorted as the user asked.
public struct TopView: Sendable {
    /// The key that picks each order (shown in the header); `q` quits and belongs to the front end.
    public enum Order: Character, Sendable, CaseIterable {
        case server = "s", mode = "m", lag = "l", rate = "r", latency = "p", connections = "c"

        var title: String {
            switch self {
            case .server: "server"
            case .mode: "mode"
            case .lag: "lag"
            case .rate: "req/s"
            case .latency: "p99"
            case .connections: "connections"
            }
        }
    }

    public var order: Order = .server
    private var previous: [String: (received: Int64, atMillis: Int64)] = [:]

    public init() {}

    /// The next frame from a fresh ensemble view taken at `atMillis` (a monotonic clock).
    public mutating func frame(_ members: [MemberStatus], atMillis: Int64, intervalMs: Int) -> TopFrame {
        let leader = members.first { $0.mode == "leader" }
        var rows: [TopRow] = []
        for member in members {
            var row = TopRow(member: member)
            if let zxid = member.zxid, let leaderZxid = leader?.zxid {
                // Zxids count within an epoch: a member of an older epoch is behind by more than a count says.
                row.lag = zxid >> 32 == leaderZxid >> 32 ? max(0, (leaderZxid & 0xffff_ffff) - (zxid & 0xffff_ffff)) : nil
                row.lagsEpochs = zxid >> 32 < leaderZxid >> 32
            }
            if let received = member.packetsReceived {
                if let before = previous[member.server], atMillis > before.atMillis, received >= before.received {
                    row.requestsPerSecond = Double(received - before.received) * 1000 / Double(atMillis - before.atMillis)
                }
                previous[member.server] = (received, atMillis)
            } else {
                previous[member.server] = nil
            }
            rows.append(row)
        }
        return TopFrame(rows: rows.sorted(by: sorter), order: order, intervalMs: intervalMs)
    }

    /// The same frame in the current order (a key was pressed between refreshes).
    public func resorted(_ frame: TopFrame) -> TopFrame {
        TopFrame(rows: frame.rows.sorted(by: sorter), order: order, intervalMs: frame.intervalMs)
    }

    /// Highest first for the figures (what needs attention at the top), by name for the server and mode.
    private var sorter: (TopRow, TopRow) -> Bool {
        let order = self.order
        return { a, b in
            func byServer() -> Bool { a.member.server < b.member.server }
            func descending<T: Comparable>(_ x: T?, _ y: T?) -> Bool {
                switch (x, y) {
                case let (x?, y?): x != y ? x > y : byServer()
                case (.some, nil): true
                case (nil, .some): false
                case (nil, nil): byServer()
                }
            }
            switch order {
            case .server: return byServer()
            case .mode:
                let rank = ["leader": 0, "standalone": 0, "follower": 1, "observer": 2, "read-only": 3]
                let x = a.member.mode.flatMap { rank[$0] } ?? 9, y = b.member.mode.flatMap { rank[$0] } ?? 9
                return x != y ? x < y : byServer()
            case .lag: return descending(a.lagsEpochs ? Int64.max : a.lag, b.lagsEpochs ? Int64.max : b.lag)
            case .rate: return descending(a.requestsPerSecond, b.requestsPerSecond)
            case .latency: return descending(a.member.latencyP99, b.member.latencyP99)
            case .connections: return descending(a.member.connections, b.member.connections)
            }
        }
    }
}

public struct TopRow: Sendable, Hashable {
    public var member: MemberStatus
    /// Transactions behind the leader in the same epoch; nil without a leader to compare with.
    public var lag: Int64?
    /// In an older epoch than the leader: behind by a whole epoch (or more).
    public var lagsEpochs = false
    /// nil on the first look (no earlier count to compare with).
    public var requestsPerSecond: Double?
}

public struct TopFrame: Sendable, Hashable {
    public var rows: [TopRow]
    public var order: TopView.Order
    public var intervalMs: Int
}
