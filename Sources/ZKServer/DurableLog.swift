import Logging
import NIOCore
import NIOPosix
import ZKDataTree
import ZKMetrics
import ZKServerCore
import ZKStorage

/// Group commit: transactions proposed while an fsync is under way gather in one buffer and go to disk
/// together in the next write + fsync, on the log thread. Snapshots are taken every `snapCount`-ish
/// transactions (randomised as Apache does, so an ensemble's members do not all snapshot at once).
/// Lives on the server's event loop except for the work it hands to its threads.
final class DurableLog: @unchecked Sendable {
    let eventLoop: any EventLoop
    let writer: LogFileWriter
    let snapshotDirectory: String
    private let logThread: NIOThreadPool
    private let snapshotThread: NIOThreadPool
    private var batch = ByteBuffer()
    private var batchFirstZxid: Int64 = 0
    private var batchLastZxid: Int64 = 0
    private var batchCount = 0
    private var syncInFlight = false
    private var transactionsSinceSnapshot = 0
    private var snapshotThreshold: Int
    private let snapCount: Int
    private var snapshotInFlight = false
    /// Set on the event loop as the server stops: nothing new goes to the threads (what was not written is
    /// not acknowledged either), so no completion is ever scheduled on a loop that has gone.
    private var stopped = false
    weak var core: ServerCore?
    /// Everything through this zxid is on disk: standalone, the core applies and answers; in an ensemble the
    /// Zab peer may acknowledge it.
    var onDurable: (Int64) -> Void = { _ in }
    /// A snapshot file was written (an ensemble member hands it to its peer to trim the in-memory log).
    var onSnapshot: (_ zxid: Int64, _ bytes: ByteBuffer) -> Void = { _, _ in }
    var logger = Logger(label: "zkserver")

    init(eventLoop: any EventLoop, logDirectory: String, snapshotDirectory: String, forceSync: Bool, snapCount: Int) throws {
        self.eventLoop = eventLoop
        self.snapshotDirectory = snapshotDirectory
        writer = try LogFileWriter(directory: logDirectory, forceSync: forceSync)
        try FileSystem.makeDirectory(snapshotDirectory)
        self.snapCount = max(snapCount, 2)
        snapshotThreshold = self.snapCount / 2 + Int.random(in: 0..<max(1, self.snapCount / 2))
        logThread = NIOThreadPool(numberOfThreads: 1)
        snapshotThread = NIOThreadPool(numberOfThreads: 1)
        logThread.start()
        snapshotThread.start()
    }

    /// On the event loop, before the threads are shut down. The future completes once the threads have done
    /// what they were given and handed the results back to the loop, so the fsync under way is acknowledged;
    /// a thread pool shutting down cancels what is still queued, and a cancelled write would stop the server.
    func stop() -> EventLoopFuture<Void> {
        stopped = true
        // Each pool has one thread taking work in order: a no-op queued last runs after everything before it.
        let drained = [logThread, snapshotThread].map { $0.runIfActive(eventLoop: eventLoop) {} }
        return EventLoopFuture.andAllComplete(drained, on: eventLoop)
    }

    /// Off the event loop, after `stop()` has completed and while the loop still runs.
    func shutdownThreads() {
        try? logThread.syncShutdownGracefully()
        try? snapshotThread.syncShutdownGracefully()
    }

    /// A transaction as serialized once by the core or received in a proposal: framed as it is.
    func append(serialized: ByteBuffer, zxid: Int64) {
        if batch.readableBytes == 0 { batchFirstZxid = zxid }
        TxnLogFormat.writeEntry(serialized: serialized, into: &batch)
        batchLastZxid = zxid
        batchCount += 1
        transactionsSinceSnapshot += 1
    }

    /// Starts writing the gathered batch unless a write is already under way.
    func commitIfNeeded() {
        guard !stopped, !syncInFlight, batch.readableBytes > 0 else { return }
        let entries = batch
        let first = batchFirstZxid
        let last = batchLastZxid
        core?.metrics.syncBatchSize.record(batchCount)
        batch = ByteBuffer()
        batchCount = 0
        syncInFlight = true
        let writer = self.writer
        logThread.runIfActive(eventLoop: eventLoop) { () throws -> Duration in
            try writer.append(entries, firstZxid: first)
            let clock = ContinuousClock()
            return try clock.measure { try writer.sync() }
        }.whenComplete { [self] result in
            switch result {
            case .success(let fsync):
                core?.metrics.fsyncTime.record(fsync)
                syncInFlight = false
                onDurable(last)
                snapshotIfDue()
                commitIfNeeded()
            case .failure(let error):
                // Without a working log no write can be acknowledged; stop rather than lie.
                fatalError("zkserver: transaction log write failed: \(error)")
            }
        }
    }

    /// Runs `work` on the log thread after every write asked for so far (the gathered batch goes first and is
    /// made durable), for the rare changes that rewrite the log: an ensemble member's TRUNC or SNAP.
    func exclusive<T: Sendable>(_ work: @escaping @Sendable (LogFileWriter) throws -> T,
                                completion: @escaping (Result<T, any Error>) -> Void) {
        guard !stopped else { return }  // the server is stopping: the member waits for nothing any more
        let entries = batch
        let first = batchFirstZxid
        let last = batchLastZxid
        batch = ByteBuffer()
        batchCount = 0
        let writer = self.writer
        let completion = NIOLoopBound(completion, eventLoop: eventLoop)
        logThread.runIfActive(eventLoop: eventLoop) {
            if entries.readableBytes > 0 {
                try writer.append(entries, firstZxid: first)
                try writer.sync()
            }
            return try work(writer)
        }.whenComplete { [self] result in
            if entries.readableBytes > 0, case .success = result { onDurable(last) }
            completion.value(result)
        }
    }

    /// autopurge: old snapshots and the logs only they needed, on the snapshot thread.
    func purge(logDirectory: String, retain: Int) {
        let snapshots = snapshotDirectory
        snapshotThread.runIfActive(eventLoop: eventLoop) {
            Purge.run(snapshotDirectory: snapshots, logDirectory: logDirectory, retain: retain)
        }.whenSuccess { [logger] (plan: Purge.Plan) in
            let removed = plan.deleteSnapshots.count + plan.deleteLogs.count
            if removed > 0 {
                logger.info("autopurge removed \(plan.deleteSnapshots.count) snapshots and \(plan.deleteLogs.count) logs, keeping the \(retain) newest snapshots")
            }
        }
    }

    private func snapshotIfDue() {
        guard transactionsSinceSnapshot >= snapshotThreshold, !snapshotInFlight, let core else { return }
        takeSnapshot(core)
    }

    /// Starts a snapshot: a new log file for what follows, the tree's fields copied in one pass here,
    /// then serialized and written on the snapshot thread while the loop goes on serving.
    func takeSnapshot(_ core: ServerCore) {
        guard !stopped else { return }
        transactionsSinceSnapshot = 0
        snapshotThreshold = snapCount / 2 + Int.random(in: 0..<max(1, snapCount / 2))
        snapshotInFlight = true
        let sessions = core.sessions.sessions.values.sorted { $0.id < $1.id }.map { (id: $0.id, timeout: $0.timeout) }
        let capture = SnapshotCapture(tree: core.tree, sessions: sessions)
        let writer = self.writer
        logThread.runIfActive(eventLoop: eventLoop) { try writer.roll() }.whenFailure { error in
            fatalError("zkserver: transaction log roll failed: \(error)")
        }
        let directory = snapshotDirectory
        let metrics = core.metrics
        snapshotThread.runIfActive(eventLoop: eventLoop) { () throws -> (ByteBuffer, Duration) in
            let clock = ContinuousClock()
            let started = clock.now
            let bytes = capture.serialize()
            try FileSystem.writeFileAtomically(directory + "/" + SnapshotFormat.fileName(zxid: capture.zxid), directory: directory, bytes)
            return (bytes, clock.now - started)
        }.whenComplete { [self] result in
            snapshotInFlight = false
            switch result {
            case .success(let (bytes, took)):
                metrics.snapshotTime.record(took)
                let millis = Double(took.components.seconds) * 1000 + Double(took.components.attoseconds) / 1e15
                logger.info("Snapshot taken: \(SnapshotFormat.fileName(zxid: capture.zxid)), \(bytes.readableBytes) bytes in \(Int(millis.rounded())) ms")
                onSnapshot(capture.zxid, bytes)
            case .failure(let error):
                // The log still holds everything; a failed snapshot only costs restart time.
                logger.error("Snapshot \(SnapshotFormat.fileName(zxid: capture.zxid)) failed: \(error); the log still holds every transaction")
            }
        }
    }
}

