import NIOCore
import ZKStorage
import ZKZab

extension DurableLog {
    /// TRUNC or SNAP: on the log thread, after every earlier write, drop the history that goes and put the
    /// new base in place; then rebuild the state from disk and hand it to `completion` on the event loop.
    func rewrite(truncateAfter zxid: Int64?, snapshot: Snapshot?, extendedTypesEnabled: Bool,
                 completion: @escaping (Recovery.State) -> Void) {
        let logDir = writer.directory, dataDir = snapshotDirectory
        exclusive { writer in
            try writer.roll()
            if let snapshot {
                // Everything before goes: a snapshot from the leader replaces this server's history.
                _ = try LogTruncation.truncate(logDirectory: logDir, snapshotDirectory: dataDir, after: -1)
                try FileSystem.writeFileAtomically(dataDir + "/" + SnapshotFormat.fileName(zxid: snapshot.zxid.rawValue),
                                                   directory: dataDir, snapshot.data)
            } else if let zxid {
                _ = try LogTruncation.truncate(logDirectory: logDir, snapshotDirectory: dataDir, after: zxid)
            }
            return try UncheckedBox(Recovery.recover(snapshotDirectory: dataDir, logDirectory: logDir,
                                                     extendedTypesEnabled: extendedTypesEnabled))
        } completion: { result in
            switch result {
            case .success(let box): completion(box.value)
            // Zab's promises rest on this history; a member that cannot rewrite it must not take part.
            case .failure(let error): fatalError("zkserver: cannot rewrite the log in \(logDir): \(error)")
            }
        }
    }
}

/// Carries a value that is handed from the log thread to the event loop and used only there.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
