import ArgumentParser
import Foundation
import ZKServer
import ZKStorage

struct LogDump: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log-dump", abstract: "Print every transaction of a log file.")
    @Argument(help: "A log.<zxid> file.") var file: String

    func run() throws { print(try DataDirTools.dumpLog(file), terminator: "") }
}

struct SnapshotDump: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snapshot-dump", abstract: "Print the sessions and nodes of a snapshot.")
    @Argument(help: "A snapshot.<zxid> file.") var file: String

    func run() throws { print(try DataDirTools.dumpSnapshot(file), terminator: "") }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the checksums of every log and snapshot.")
    @Argument(help: "A zoo.cfg, or a data dir (with or without version-2).") var target: String

    func run() throws {
        let (snapshots, logs) = try DataDirectories.of(target)
        let (report, ok) = DataDirTools.verify(snapshotDirectory: snapshots, logDirectory: logs)
        print(report, terminator: "")
        if !ok { throw ExitCode(1) }
    }
}

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge", abstract: "Keep the newest snapshots and the logs they need.")
    @Argument(help: "A zoo.cfg, or a data dir (with or without version-2).") var target: String
    @Option(name: .short, help: "How many snapshots to keep (at least 3, as zkCleanup).") var n = 3

    func validate() throws {
        guard n >= 3 else { throw ValidationError("-n must be at least 3") }
    }

    func run() throws {
        let (snapshots, logs) = try DataDirectories.of(target)
        let plan = Purge.run(snapshotDirectory: snapshots, logDirectory: logs, retain: n)
        for path in plan.deleteSnapshots + plan.deleteLogs { print("removed \(path)") }
    }
}

enum DataDirectories {
    /// A zoo.cfg names dataDir and dataLogDir; a directory is a dataDir (with or without version-2).
    static func of(_ target: String) throws -> (snapshots: String, logs: String) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
            let dir = target.hasSuffix("version-2") ? target : target + "/version-2"
            return (dir, dir)
        }
        let config = try ZooConfig.parse(text: try String(contentsOfFile: target, encoding: .utf8), path: target)
        return (config.dataDir + "/version-2", config.dataLogDir + "/version-2")
    }
}
