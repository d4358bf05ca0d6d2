import Atomics
import CoreMetrics

/// Apache 3.8's ServerMetrics that describe something zkserver does, under Apache's names and kinds, each
/// measured where it happens (docs/operations.md lists them and the ones left out: the JVM's, Netty's and
/// those of Apache's request-processor threads and queues, which zkserver does not have). Times are
/// milliseconds, counts are counts. One instance per server.
public final class ServerMetrics: Sendable {
    public let registry: MetricsRegistry

    // Requests, from arrival to reply, for this server's own clients; `propagation_latency` from the
    // leader stamping a transaction to this server applying it (wall clocks, as Apache).
    public let readLatency: Timer
    public let updateLatency: Timer
    public let propagationLatency: Timer

    // Storage: one fsync of a group commit, the transactions it carried, a snapshot written, and start-up.
    public let fsyncTime: Timer
    public let syncBatchSize: Recorder
    public let snapshotTime: Timer
    public let dbInitTime: Timer
    public let startupSnapLoadTime: Timer
    public let startupTxnsLoadTime: Timer
    public let startupTxnsLoaded: Recorder

    // Watches fired by one event of each type.
    public let nodeCreatedWatchCount: Recorder
    public let nodeDeletedWatchCount: Recorder
    public let nodeChangedWatchCount: Recorder
    public let nodeChildrenWatchCount: Recorder

    // Client connections and sessions.
    public let connectionRequestCount: Counter
    public let connectionRevalidateCount: Counter
    public let connectionRejected: Counter
    public let connectionTokenDeficit: Recorder
    public let connectionDropCount: Counter
    public let staleSessionsExpired: Counter
    public let sessionlessConnectionsExpired: Counter
    public let bytesReceivedCount: Counter
    public let responseBytes: Counter
    public let watchBytes: Counter
    /// last/min/max_client_response_size: every frame to a client, notifications included.
    public let clientResponseSize = BufferStats()

    // The ensemble: elections, syncs, proposals and commits.
    public let lookingCount: Counter
    public let electionTime: Timer
    public let unavailableTime: Timer
    public let leaderUnavailableTime: Timer
    public let followerSyncTime: Timer
    public let observerSyncTime: Timer
    public let diffCount: Counter
    public let snapCount: Counter
    public let revalidateCount: Counter
    public let proposalCount: Counter
    public let commitCount: Counter
    public let quorumAckLatency: Timer
    public let learnerProposalReceivedCount: Counter
    public let learnerCommitReceivedCount: Counter
    public let proposalLatency: Timer
    public let commitPropagationLatency: Timer

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        func counter(_ name: String) -> Counter {
            Counter(label: name, dimensions: [], handler: registry.counter(name), factory: registry)
        }
        func timer(_ name: String, percentiles: Bool = false) -> Timer {
            Timer(label: name, dimensions: [], handler: registry.summary(name, percentiles: percentiles), factory: registry)
        }
        func recorder(_ name: String) -> Recorder {
            Recorder(label: name, dimensions: [], aggregate: true, handler: registry.summary(name), factory: registry)
        }
        readLatency = timer("readlatency", percentiles: true)
        updateLatency = timer("updatelatency", percentiles: true)
        propagationLatency = timer("propagation_latency", percentiles: true)
        fsyncTime = timer("fsynctime")
        syncBatchSize = recorder("sync_processor_batch_size")
        snapshotTime = timer("snapshottime")
        dbInitTime = timer("dbinittime")
        startupSnapLoadTime = timer("startup_snap_load_time")
        startupTxnsLoadTime = timer("startup_txns_load_time")
        startupTxnsLoaded = recorder("startup_txns_loaded")
        nodeCreatedWatchCount = recorder("node_created_watch_count")
        nodeDeletedWatchCount = recorder("node_deleted_watch_count")
        nodeChangedWatchCount = recorder("node_changed_watch_count")
        nodeChildrenWatchCount = recorder("node_children_watch_count")
        connectionRequestCount = counter("connection_request_count")
        connectionRevalidateCount = counter("connection_revalidate_count")
        connectionRejected = counter("connection_rejected")
        connectionTokenDeficit = recorder("connection_token_deficit")
        connectionDropCount = counter("connection_drop_count")
        staleSessionsExpired = counter("stale_sessions_expired")
        sessionlessConnectionsExpired = counter("sessionless_connections_expired")
        bytesReceivedCount = counter("bytes_received_count")
        responseBytes = counter("response_bytes")
        watchBytes = counter("watch_bytes")
        lookingCount = counter("looking_count")
        electionTime = timer("election_time")
        unavailableTime = timer("unavailable_time")
        leaderUnavailableTime = timer("leader_unavailable_time")
        followerSyncTime = timer("follower_sync_time")
        observerSyncTime = timer("observer_sync_time")
        diffCount = counter("diff_count")
        snapCount = counter("snap_count")
        revalidateCount = counter("revalidate_count")
        proposalCount = counter("proposal_count")
        commitCount = counter("commit_count")
        quorumAckLatency = timer("quorum_ack_latency", percentiles: true)
        learnerProposalReceivedCount = counter("learner_proposal_received_count")
        learnerCommitReceivedCount = counter("learner_commit_received_count")
        proposalLatency = timer("proposal_latency", percentiles: true)
        commitPropagationLatency = timer("commit_propagation_latency", percentiles: true)
    }

    /// The registry's samples, then the response-size gauges.
    public func samples() -> [MetricSample] { registry.samples() + clientResponseSize.samples(suffix: "client_response_size") }

    /// srst (Apache's ServerStats.reset: ServerMetrics.resetAll and the response-size stats).
    public func reset() {
        registry.resetAll()
        clientResponseSize.reset()
    }
}

/// Apache's BufferStats: the last, smallest and largest of a size, -1 before the first.
public final class BufferStats: Sendable {
    private let last = ManagedAtomic<Int64>(-1)
    private let minimum = ManagedAtomic<Int64>(-1)
    private let maximum = ManagedAtomic<Int64>(-1)

    public init() {}

    public func record(_ size: Int) {
        let size = Int64(size)
        last.store(size, ordering: .relaxed)
        var seen = minimum.load(ordering: .relaxed)
        while seen < 0 || size < seen {
            let (done, now) = minimum.compareExchange(expected: seen, desired: size, ordering: .relaxed)
            if done { break }
            seen = now
        }
        seen = maximum.load(ordering: .relaxed)
        while size > seen {
            let (done, now) = maximum.compareExchange(expected: seen, desired: size, ordering: .relaxed)
            if done { break }
            seen = now
        }
    }

    public func reset() {
        for cell in [last, minimum, maximum] { cell.store(-1, ordering: .relaxed) }
    }

    public var values: (last: Int64, min: Int64, max: Int64) {
        (last.load(ordering: .relaxed), minimum.load(ordering: .relaxed), maximum.load(ordering: .relaxed))
    }

    func samples(suffix: String) -> [MetricSample] {
        let v = values
        return [MetricSample("last_" + suffix, .integer(v.last)), MetricSample("min_" + suffix, .integer(v.min)),
                MetricSample("max_" + suffix, .integer(v.max))]
    }
}

extension Timer {
    /// A Swift Duration, as the nanoseconds swift-metrics records.
    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
