import NIOCore
import ZKDataTree
import ZKProtocol

/// What the core keeps per client connection.
public struct ConnectionState: Sendable {
    public let id: ConnectionID
    public let remoteHost: String
    public let remotePort: Int
    public var sessionId: Int64 = 0
    public var sessionTimeout: Int32 = 0
    /// Starts with the ip identity; addauth adds more, in order, each once.
    public private(set) var authIds: [Id]
    /// authIds as a set: a client may pipeline thousands of distinct addauths, each checked against all.
    private var knownAuthIds: Set<Id>
    public var handshakeDone = false
    /// Counters reported by cons/stat.
    public var packetsReceived: Int64 = 0
    public var packetsSent: Int64 = 0
    public var lastOp = "NA"
    public var lastCxid: Int32 = -1
    public var lastZxid: Int64 = -1
    public var lastResponseTime: Int64 = 0
    public var establishedWallMillis: Int64
    /// Set when closing: further requests are ignored.
    public var closing = false

    public init(id: ConnectionID, remoteHost: String, remotePort: Int, establishedWallMillis: Int64) {
        self.id = id; self.remoteHost = remoteHost; self.remotePort = remotePort
        self.establishedWallMillis = establishedWallMillis
        authIds = [Id(scheme: "ip", id: remoteHost)]
        knownAuthIds = Set(authIds)
    }

    public mutating func addAuthId(_ id: Id) {
        if knownAuthIds.insert(id).inserted { authIds.append(id) }
    }
}

/// Server-wide counters for srvr, stat and mntr.
public struct ServerStats: Sendable {
    public var packetsReceived: Int64 = 0
    public var packetsSent: Int64 = 0
    public var minLatency: Int64 = 0
    public var maxLatency: Int64 = 0
    public var totalLatency: Int64 = 0
    public var requestCount: Int64 = 0
    /// Failed addauth and SASL exchanges (mntr's auth_failed_count).
    public var authFailedCount: Int64 = 0
    public init() {}

    public var averageLatency: Double { requestCount == 0 ? 0 : Double(totalLatency) / Double(requestCount) }

    public mutating func recordLatency(_ millis: Int64) {
        if requestCount == 0 || millis < minLatency { minLatency = millis }
        if millis > maxLatency { maxLatency = millis }
        totalLatency += millis
        requestCount += 1
    }

    /// Leader: sizes of the serialized proposals (Apache's ProposalStats), -1 before the first.
    public var lastProposalSize: Int = -1
    public var minProposalSize: Int = -1
    public var maxProposalSize: Int = -1

    public mutating func recordProposal(size: Int) {
        lastProposalSize = size
        minProposalSize = minProposalSize < 0 ? size : min(minProposalSize, size)
        maxProposalSize = max(maxProposalSize, size)
    }

    /// srst clears the latency and packet counters (Apache's ServerStats.reset); proposal sizes stay.
    public mutating func reset() {
        let proposals = (lastProposalSize, minProposalSize, maxProposalSize)
        self = ServerStats()
        (lastProposalSize, minProposalSize, maxProposalSize) = proposals
    }
}

/// A transaction's serialized size, as Apache's leader measures a proposal (TxnHeader + record).

