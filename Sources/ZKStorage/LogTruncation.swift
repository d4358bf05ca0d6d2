import NIOCore

/// A follower told by its new leader to drop history (TRUNC): every logged transaction after `zxid` goes,
/// and so does any snapshot taken after it, since it may hold those transactions. The caller rebuilds its
/// state from what remains (Apache's FileTxnSnapLog.truncateLog does the same).
public enum LogTruncation {
    public static func truncate(logDirectory: String, snapshotDirectory: String, after zxid: Int64) throws -> [String] {
        var notes: [String] = []
        for (first, path) in Recovery.logFiles(logDirectory) {
            if first > zxid {
                FileSystem.remove(path)
                notes.append("removed \(path): all after 0x\(String(zxid, radix: 16))")
                continue
            }
            let result = try TxnLogFormat.read(file: try FileSystem.readFile(path))
            guard let last = result.transactions.last, last.zxid > zxid else { continue }
            let keep = result.transactions.lastIndex { $0.zxid <= zxid }
            let length = keep.map { result.entryEnds[$0] } ?? TxnLogFormat.headerSize
            try FileSystem.truncate(path, to: length)
            notes.append("truncated \(path) after 0x\(String(zxid, radix: 16))")
        }
        for (snapshotZxid, path) in Recovery.snapshotFiles(snapshotDirectory) where snapshotZxid > zxid {
            FileSystem.remove(path)
            notes.append("removed \(path): taken after 0x\(String(zxid, radix: 16))")
        }
        try FileSystem.syncDirectory(logDirectory)
        if snapshotDirectory != logDirectory { try FileSystem.syncDirectory(snapshotDirectory) }
        return notes
    }
}
