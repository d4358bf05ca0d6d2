import Foundation
import Logging
import Synchronization

/// Where the server's log goes and from what level, read the way Apache's start scripts configure log4j:
/// `-Dzookeeper.root.logger=LEVEL,APPENDER…` (or `ZOO_LOG4J_PROP` in the environment), `zookeeper.log.dir`
/// (or `ZOO_LOG_DIR`) and `zookeeper.log.file`. A file appender (ROLLINGFILE, TRACEFILE) with a log
/// directory writes `DIR/FILE`; otherwise lines go to stderr.
public struct LogSettings: Sendable, Equatable {
    public var level: Logger.Level = .info
    /// nil: stderr.
    public var file: String?
    /// What could not be understood, for the operator (the server still starts, at INFO).
    public var problems: [String] = []

    public init() {}

    public init(systemProperties: [String: String], environment: [String: String]) {
        let spec = systemProperties["zookeeper.root.logger"] ?? environment["ZOO_LOG4J_PROP"] ?? "INFO,CONSOLE"
        let parts = spec.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if let name = parts.first, !name.isEmpty {
            if let parsed = Self.level(name) { level = parsed } else {
                problems.append("zookeeper.root.logger: unknown level \(name) (TRACE, DEBUG, INFO, WARN, ERROR, FATAL); logging at INFO")
            }
        }
        let directory = systemProperties["zookeeper.log.dir"] ?? environment["ZOO_LOG_DIR"]
        let toFile = parts.dropFirst().contains { $0.uppercased().hasSuffix("FILE") }
        if toFile, let directory, !directory.isEmpty {
            file = directory + "/" + (systemProperties["zookeeper.log.file"] ?? environment["ZOO_LOG_FILE"] ?? "zookeeper.log")
        }
    }

    /// log4j's level names, as in Apache's log4j.properties and zkEnv.sh.
    static func level(_ name: String) -> Logger.Level? {
        switch name.uppercased() {
        case "ALL", "TRACE": .trace
        case "DEBUG": .debug
        case "INFO": .info
        case "WARN", "WARNING": .warning
        case "ERROR": .error
        case "FATAL", "OFF": .critical
        default: nil
        }
    }
}

/// One open log destination shared by every logger of the process: lines are written whole, in order.
public final class LogDestination: Sendable {
    private let descriptor: Int32
    private let lock = Mutex(())

    public static let standardError = LogDestination(descriptor: 2)

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Appends to `path`, creating it (and not its directory: a missing log directory is the operator's to fix).
    public static func file(_ path: String) throws -> LogDestination {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path,
                                                                NSLocalizedDescriptionKey: "cannot open log file \(path): \(String(cString: strerror(errno)))"])
        }
        return LogDestination(descriptor: fd)
    }

    func write(_ line: String) {
        var bytes = Array(line.utf8)
        lock.withLock { _ in
            bytes.withUnsafeMutableBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { if errno == EINTR { continue } else { return } }
                    offset += written
                }
            }
        }
    }
}

/// Lines in Apache's layout (`%d{ISO8601} [myid:%X{myid}] - %-5p [%t] - %m%n`), so log shippers and the
/// operator's greps keep working: `2026-12-04 13:00:00,123 [myid:1] - INFO  [zkserver] - LEADING - …`.
public struct ApacheLayoutLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let destination: LogDestination

    public init(label: String, level: Logger.Level, destination: LogDestination) {
        self.label = label
        self.logLevel = level
        self.destination = destination
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let myid = merged.removeValue(forKey: "myid").map { "\($0)" } ?? ""
        var line = Self.timestamp() + " [myid:\(myid)] - " + Self.levelName(event.level) + " [\(label)] - \(event.message)"
        if !merged.isEmpty {
            line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        destination.write(line + "\n")
    }

    /// log4j's names, padded as %-5p.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO "
        case .notice: "INFO "
        case .warning: "WARN "
        case .error: "ERROR"
        case .critical: "FATAL"
        }
    }

    /// ISO8601 as log4j writes it, local time with milliseconds after a comma.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        let millis = Int(now.tv_nsec / 1_000_000)
        let text = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text + "," + (millis < 10 ? "00" : millis < 100 ? "0" : "") + String(millis)
    }
}

extension LoggingSystem {
    /// Sends every logger of the process to `destination` in Apache's layout, from `settings.level`.
    public static func bootstrapServer(_ settings: LogSettings, destination: LogDestination) {
        bootstrap { label in ApacheLayoutLogHandler(label: label, level: settings.level, destination: destination) }
    }
}
