#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import ZKStorage

/// `zkserver --check-config zoo.cfg`: every problem the server would refuse to start on, each with its file,
/// line and key, and the warnings it would print.
public enum ConfigCheck {
    public struct Report: Sendable {
        public var problems: [String] = []
        public var warnings: [String] = []
    }

    public static func run(path: String, systemProperties: [String: String] = [:]) -> Report {
        var report = Report()
        guard let text = (try? FileSystem.readFile(path)).map({ String(buffer: $0) }) else {
            report.problems.append("\(path): cannot be read")
            return report
        }
        let (config, problems) = ZooConfig.check(text: text, path: path, systemProperties: systemProperties)
        report.problems = problems.map(\.description)
        report.warnings = config.warnings
        guard !config.dataDir.isEmpty else { return report }
        report.problems += directoryProblems(config).map { "\(path): \($0)" }
        let myIdPath = config.dataDir + "/myid"
        let myIdText = FileSystem.exists(myIdPath) ? (try? FileSystem.readFile(myIdPath)).map { String(buffer: $0) } : nil
        do {
            _ = try EnsembleSettings.from(config, myIdText: myIdText)
        } catch {
            report.problems.append("\(path): \(error)")
        }
        return report
    }

    /// dataDir and dataLogDir (once, when they are the same), each that the server cannot write in, with why.
    public static func directoryProblems(_ config: ZooConfig) -> [String] {
        var directories = [("dataDir", config.dataDir)]
        if config.dataLogDir != config.dataDir { directories.append(("dataLogDir", config.dataLogDir)) }
        return directories.compactMap { key, directory in writableProblem(directory).map { "\(key) \(directory) \($0)" } }
    }

    /// Why the server cannot write in `directory` (nil: it can). Creates the directory, as the server would,
    /// and a probe file in it that it removes again: permission bits alone say nothing when run as root.
    static func writableProblem(_ directory: String) -> String? {
        do {
            try FileSystem.makeDirectory(directory)
        } catch {
            return "cannot be created: \(error)"
        }
        let probe = directory + "/.zkserver-write-check"
        let fd = open(probe, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { return "is not writable: \(String(cString: strerror(errno)))" }
        close(fd)
        unlink(probe)
        return nil
    }
}
