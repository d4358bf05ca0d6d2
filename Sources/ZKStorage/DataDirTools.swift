import NIOCore
import ZKDataTree
import ZKProtocol

/// Readable dumps and checks of log and snapshot files (what Apache's zkTxnLogToolkit and
/// zkSnapShotToolkit print), for operators and for tests.
public enum DataDirTools {
    public static func describe(_ txn: Transaction) -> String {
        let h = txn.header
        let head = "time \(h.time) session 0x\(String(h.clientId, radix: 16)) cxid 0x\(String(h.cxid, radix: 16)) zxid 0x\(String(h.zxid, radix: 16)) "
        return head + describe(txn.body)
    }

    public static func describe(_ body: TxnBody) -> String {
        switch body {
        case .create(let t): return "create \(t.path) \(dataText(t.data)) acl \(aclText(t.acl))\(t.ephemeral ? " ephemeral" : "") parentCVersion \(t.parentCVersion)"
        case .createContainer(let t): return "createContainer \(t.path) \(dataText(t.data)) acl \(aclText(t.acl)) parentCVersion \(t.parentCVersion)"
        case .createTTL(let t): return "createTTL \(t.path) \(dataText(t.data)) acl \(aclText(t.acl)) ttl \(t.ttl) parentCVersion \(t.parentCVersion)"
        case .delete(let t): return "delete \(t.path)"
        case .deleteContainer(let t): return "deleteContainer \(t.path)"
        case .setData(let t): return "setData \(t.path) \(dataText(t.data)) version \(t.version)"
        case .reconfig(let t): return "reconfig \(dataText(t.data)) version \(t.version)"
        case .setACL(let t): return "setACL \(t.path) acl \(aclText(t.acl)) version \(t.version)"
        case .check(let t): return "check \(t.path) version \(t.version)"
        case .multi(let bodies): return "multi [" + bodies.map(describe).joined(separator: "; ") + "]"
        case .error(let code): return "error \(code.name)"
        case .createSession(let timeout): return "createSession timeout \(timeout)"
        case .closeSession(let paths): return "closeSession" + (paths.isEmpty ? "" : " ephemerals " + paths.joined(separator: ","))
        }
    }

    static func dataText(_ data: [UInt8]?) -> String {
        guard let data else { return "null" }
        if let text = String(validating: data, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return "'" + text + "'"
        }
        return "#" + data.map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    static func aclText(_ acl: [ACL]) -> String {
        acl.map { "\($0.id.scheme):\($0.id.id):\($0.perms.letters)" }.joined(separator: ",")
    }

    /// Every transaction in a log file, one per line, then how the file ends.
    public static func dumpLog(_ path: String) throws -> String {
        let result = try TxnLogFormat.read(file: try FileSystem.readFile(path))
        var out = result.transactions.map(describe).joined(separator: "\n")
        if !out.isEmpty { out += "\n" }
        switch result.outcome {
        case .end: out += "EOF reached after \(result.transactions.count) txns.\n"
        case .torn(let offset, let reason): out += "torn tail at offset \(offset): \(reason) (after \(result.transactions.count) txns)\n"
        case .corrupt(let offset, let reason): out += "CORRUPT at offset \(offset): \(reason) (after \(result.transactions.count) txns)\n"
        }
        return out
    }

    /// The sessions and every node with its stat, in path order.
    public static func dumpSnapshot(_ path: String) throws -> String {
        let contents = try SnapshotFormat.deserialize(try FileSystem.readFile(path))
        var out = "Sessions (\(contents.sessions.count)):\n"
        for s in contents.sessions.sorted(by: { $0.id < $1.id }) { out += "  0x\(String(s.id, radix: 16)) timeout \(s.timeout)\n" }
        out += "Nodes (\(contents.nodes.count)):\n"
        for (path, node) in contents.nodes.sorted(by: { $0.key < $1.key }) {
            let s = node.stat
            out += "\(path)\n  cZxid = 0x\(String(s.czxid, radix: 16)) mZxid = 0x\(String(s.mzxid, radix: 16)) pZxid = 0x\(String(s.pzxid, radix: 16)) "
            out += "ctime = \(s.ctime) mtime = \(s.mtime) version = \(s.version) cversion = \(s.cversion) aclVersion = \(s.aversion) "
            out += "ephemeralOwner = 0x\(String(s.ephemeralOwner, radix: 16)) dataLength = \(node.data?.count ?? 0)\n"
        }
        return out
    }

    /// Checks every log and snapshot of a data dir; returns one line per file and whether all are sound.
    public static func verify(snapshotDirectory: String, logDirectory: String) -> (report: String, ok: Bool) {
        var lines: [String] = []
        var ok = true
        for (_, path) in Recovery.snapshotFiles(snapshotDirectory).reversed() {
            do {
                let contents = try SnapshotFormat.deserialize(try FileSystem.readFile(path))
                lines.append("ok       \(path): \(contents.nodes.count) nodes, checksum valid")
            } catch {
                ok = false
                lines.append("DAMAGED  \(path): \(error)")
            }
        }
        let logs = Recovery.logFiles(logDirectory)
        for (index, log) in logs.enumerated() {
            do {
                let result = try TxnLogFormat.read(file: try FileSystem.readFile(log.path))
                switch result.outcome {
                case .end: lines.append("ok       \(log.path): \(result.transactions.count) txns, checksums valid")
                case .torn(let offset, let reason):
                    let last = index == logs.count - 1
                    if !last { ok = false }
                    lines.append("\(last ? "torn    " : "DAMAGED ") \(log.path): \(reason) at offset \(offset) after \(result.transactions.count) txns\(last ? " (recovery cuts it)" : "")")
                case .corrupt(let offset, let reason):
                    ok = false
                    lines.append("DAMAGED  \(log.path): \(reason) at offset \(offset) after \(result.transactions.count) txns")
                }
            } catch {
                ok = false
                lines.append("DAMAGED  \(log.path): \(error)")
            }
        }
        return (lines.joined(separator: "\n") + "\n", ok)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
