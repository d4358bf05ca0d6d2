import NIOCore
import ZKDataTree
import ZKProtocol

/// Rebuilds the state from a data dir: the newest snapshot that passes its checksum, then every logged
/// transaction after it. A torn tail of the newest log (a crash mid-write) is cut off; damage anywhere
/// else could hide acknowledged writes, so start-up stops and names the file and offset.
public enum Recovery {
    public struct State {
        public var tree: DataTree
        public var sessions: [Int64: Int32]
        public var snapshotZxid: Int64
        /// The snapshot file loaded, if any (a replicated server ships it to followers that are far behind).
        public var snapshotPath: String?
        /// Every logged transaction after the snapshot's zxid, in order: the history a leader can send as DIFF.
        public var logTail: [LoggedEntry]
        public var replayed: Int
        /// Human-readable lines about what was found and repaired.
        public var notes: [String]
        /// How long loading the snapshot and replaying the logs took (Apache's start-up metrics).
        public var snapshotLoadTime: Duration = .zero
        public var logReplayTime: Duration = .zero
    }

    public struct Failure: Error, CustomStringConvertible {
        public var file: String
        /// Where in the file, for a log or snapshot; nil for small files read whole (the epochs).
        public var offset: Int?
        public var reason: String
        public init(file: String, offset: Int? = nil, reason: String) {
            self.file = file
            self.offset = offset
            self.reason = reason
        }
        public var description: String { "\(file)\(offset.map { " at offset \($0)" } ?? ""): \(reason)" }
    }

    public static func snapshotFiles(_ directory: String) -> [(zxid: Int64, path: String)] {
        FileSystem.list(directory).compactMap { name in
            TxnLogFormat.zxid(fromFileName: name, prefix: "snapshot").map { ($0, directory + "/" + name) }
        }.sorted { $0.zxid > $1.zxid }
    }

    public static func logFiles(_ directory: String) -> [(zxid: Int64, path: String)] {
        FileSystem.list(directory).compactMap { name in
            TxnLogFormat.zxid(fromFileName: name, prefix: "log").map { ($0, directory + "/" + name) }
        }.sorted { $0.zxid < $1.zxid }
    }

    public static func recover(snapshotDirectory: String, logDirectory: String, extendedTypesEnabled: Bool) throws -> State {
        let tree = DataTree(extendedTypesEnabled: extendedTypesEnabled)
        var sessions: [Int64: Int32] = [:]
        var notes: [String] = []
        var snapshotZxid: Int64 = 0
        var snapshotPath: String?
        var logTail: [LoggedEntry] = []
        let clock = ContinuousClock()
        let started = clock.now
        for (zxid, path) in snapshotFiles(snapshotDirectory) {
            do {
                let contents = try SnapshotFormat.deserialize(try FileSystem.readFile(path))
                tree.load(nodes: contents.nodes, lastProcessedZxid: zxid)
                for session in contents.sessions { sessions[session.id] = session.timeout }
                snapshotZxid = zxid
                snapshotPath = path
                notes.append("loaded \(path) (\(contents.nodes.count) nodes, \(contents.sessions.count) sessions)")
                break
            } catch {
                notes.append("skipped damaged snapshot \(path): \(error); falling back to an older one")
            }
        }
        let snapshotLoaded = clock.now
        let logs = logFiles(logDirectory)
        var replayed = 0
        var sink = DiscardingSink()
        for (index, log) in logs.enumerated() {
            // A log that ends before the snapshot starts holds nothing we need.
            if index + 1 < logs.count, logs[index + 1].zxid <= snapshotZxid + 1 { continue }
            let result: TxnLogFormat.ReadResult
            do {
                result = try TxnLogFormat.read(file: try FileSystem.readFile(log.path))
            } catch {
                if index == logs.count - 1 && FileSystem.size(log.path) < Int64(TxnLogFormat.headerSize) {
                    notes.append("removed \(log.path): its header was never completely written")
                    FileSystem.remove(log.path)
                    continue
                }
                throw Failure(file: log.path, offset: 0, reason: "unreadable header: \(error)")
            }
            for (txn, payload) in zip(result.transactions, result.payloads)
            where txn.zxid > snapshotZxid && txn.zxid > (logTail.last?.zxid ?? 0) {
                // A compact copy: the slice would keep the whole (preallocated) log file in memory.
                logTail.append(LoggedEntry(zxid: txn.zxid, payload: ByteBuffer(bytes: payload.readableBytesView)))
            }
            for txn in result.transactions where txn.zxid > tree.lastProcessedZxid {
                replay(txn, into: tree, sessions: &sessions, sink: &sink)
                replayed += 1
            }
            if case .corrupt(let offset, let reason) = result.outcome {
                throw Failure(file: log.path, offset: offset, reason: "\(reason) with valid transactions after it; refusing to start rather than lose acknowledged writes")
            }
            if case .torn(let offset, let reason) = result.outcome {
                guard index == logs.count - 1 else {
                    throw Failure(file: log.path, offset: offset, reason: "\(reason), and newer logs follow; refusing to start rather than lose acknowledged writes")
                }
                try FileSystem.truncate(log.path, to: result.validLength)
                notes.append("truncated torn tail of \(log.path) at offset \(offset) (\(reason))")
            }
        }
        return State(tree: tree, sessions: sessions, snapshotZxid: snapshotZxid, snapshotPath: snapshotPath, logTail: logTail,
                     replayed: replayed, notes: notes, snapshotLoadTime: snapshotLoaded - started,
                     logReplayTime: clock.now - snapshotLoaded)
    }

    /// One logged transaction applied at start-up: to the tree, and to the session table that goes with it.
    public static func replay<S: WatchSink>(_ txn: Transaction, into tree: DataTree, sessions: inout [Int64: Int32], sink: inout S) {
        _ = tree.apply(txn, sink: &sink)
        switch txn.body {
        case .createSession(let timeout): sessions[txn.header.clientId] = timeout
        case .closeSession: sessions[txn.header.clientId] = nil
        default: break
        }
    }

    public struct DiscardingSink: WatchSink {
        public init() {}
        public mutating func deliver(_ event: WatcherEvent, to watcher: WatcherID) {}
    }
}

/// A transaction of the log after the snapshot, as its bytes were logged: what Zab starts from, so nothing
/// is encoded again at start-up.
public struct LoggedEntry: Sendable {
    public var zxid: Int64
    public var payload: ByteBuffer
}
