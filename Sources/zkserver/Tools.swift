import Foundation
import ZKServer
import ZKStorage

/// `zkserver TOOL ...`: the data-dir tools (Apache ships them as zkTxnLogToolkit, zkSnapShotToolkit,
/// zkCleanup). Returns nil when the first argument names no tool.
enum Tools {
    static let usage = """
    usage: zkserver [-Dkey=value ...] zoo.cfg          run the server (SIGTERM or SIGINT stops it cleanly)
           zkserver --check-config zoo.cfg             report every problem in zoo.cfg (line and key); exit 1 if any
           zkserver --version                          print the version
           zkserver log-dump LOGFILE                   print every transaction of a log file
           zkserver snapshot-dump SNAPSHOTFILE         print the sessions and nodes of a snapshot
           zkserver verify zoo.cfg|DATADIR             check the checksums of every log and snapshot
           zkserver purge zoo.cfg|DATADIR [-n COUNT]   keep COUNT (>= 3) newest snapshots and the logs they need

    """

    static func run(_ arguments: [String]) -> Int32? {
        guard let tool = arguments.first else { return nil }
        let rest = Array(arguments.dropFirst())
        do {
            switch tool {
            case "log-dump":
                guard rest.count == 1 else { return fail(usage) }
                print(try DataDirTools.dumpLog(rest[0]), terminator: "")
                return 0
            case "snapshot-dump":
                guard rest.count == 1 else { return fail(usage) }
                print(try DataDirTools.dumpSnapshot(rest[0]), terminator: "")
                return 0
            case "verify":
                guard rest.count == 1 else { return fail(usage) }
                let (snapshots, logs) = try directories(rest[0])
                let (report, ok) = DataDirTools.verify(snapshotDirectory: snapshots, logDirectory: logs)
                print(report, terminator: "")
                return ok ? 0 : 1
            case "purge":
                guard rest.count == 1 || (rest.count == 3 && rest[1] == "-n"), let target = rest.first else { return fail(usage) }
                let retain = rest.count == 3 ? Int(rest[2]) ?? -1 : 3
                guard retain >= 3 else { return fail("zkserver purge: -n must be at least 3\n") }
                let (snapshots, logs) = try directories(target)
                let plan = Purge.run(snapshotDirectory: snapshots, logDirectory: logs, retain: retain)
                for path in plan.deleteSnapshots + plan.deleteLogs { print("removed \(path)") }
                return 0
            default:
                return nil
            }
        } catch {
            return fail("zkserver \(tool): \(error)\n")
        }
    }

    /// A zoo.cfg names dataDir and dataLogDir; a directory is a dataDir (with or without version-2).
    static func directories(_ target: String) throws -> (snapshots: String, logs: String) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
            let dir = target.hasSuffix("version-2") ? target : target + "/version-2"
            return (dir, dir)
        }
        let config = try ZooConfig.parse(text: try String(contentsOfFile: target, encoding: .utf8), path: target)
        return (config.dataDir + "/version-2", config.dataLogDir + "/version-2")
    }

    static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data(message.utf8))
        return 2
    }
}
