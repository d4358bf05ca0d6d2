import ArgumentParser
import Foundation
import Logging
import ZKServer
import ZKServerCore

/// Runs the server from zoo.cfg, or with --check-config only reports what is wrong with it.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server (SIGTERM or SIGINT stops it cleanly); `zkserver zoo.cfg` is short for `zkserver serve zoo.cfg`.")

    @OptionGroup var system: SystemPropertyOptions
    @Flag(name: .customLong("check-config"), help: "Report every problem in zoo.cfg (line and key); exit 1 if any.")
    var checkConfig = false
    @Argument(help: "The configuration file, as Apache's zoo.cfg.") var config: String

    func run() async throws {
        let properties = system.values
        if checkConfig { return try Self.check(config, properties: properties) }
        keepLargeBuffersInTheirOwnMappings()
        let zooConfig = try Self.load(config, properties: properties)
        let logger = try Self.startLogging(zooConfig)
        for warning in zooConfig.warnings { logger.warning("\(warning)") }
        if let problem = ConfigCheck.directoryProblems(zooConfig).first { throw Self.fatal("\(problem)", status: 1) }
        let server: ZooKeeperServer
        do {
            server = try ZooKeeperServer(config: zooConfig, environment: SystemEnvironment.current())
        } catch {
            throw Self.fatal("cannot recover the data in \(zooConfig.dataDir): \(error)", status: 1)
        }
        for note in server.recoveryNotes { logger.info("\(note)") }
        do {
            try await server.start()
        } catch {
            throw Self.fatal("\(error)", status: 1)
        }
        logger.info("serving on \(zooConfig.clientPortAddress):\(server.boundPort ?? zooConfig.clientPort)")
        try await ShutdownOnSignal.serve(server, logger: logger)
    }

    static func check(_ path: String, properties: [String: String]) throws {
        let report = ConfigCheck.run(path: path, systemProperties: properties)
        for warning in report.warnings { print("warning: \(warning)") }
        for problem in report.problems { print("error: \(problem)") }
        if report.problems.isEmpty { print("\(path): ok") }
        if !report.problems.isEmpty { throw ExitCode(1) }
    }

    static func load(_ path: String, properties: [String: String]) throws -> ZooConfig {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try ZooConfig.parse(text: text, path: path, systemProperties: properties)
        } catch let error as ZooConfig.ParseError {
            throw fatal("invalid configuration: \(error)", status: 2)
        } catch {
            throw fatal("cannot read \(path): \(error.localizedDescription)", status: 2)
        }
    }

    /// The process's log, as zoo.cfg's system properties and the environment ask (`LogSettings`).
    static func startLogging(_ config: ZooConfig) throws -> Logger {
        let settings = LogSettings(systemProperties: config.systemProperties, environment: ProcessInfo.processInfo.environment)
        let destination: LogDestination
        do {
            destination = try settings.file.map(LogDestination.file) ?? .standardError
        } catch {
            throw fatal("\(error.localizedDescription)", status: 1)
        }
        LoggingSystem.bootstrapServer(settings, destination: destination)
        let logger = Logger(label: "zkserver")
        for problem in settings.problems { logger.warning("\(problem)") }
        return logger
    }

    /// A message on stderr (whatever the log's destination: the operator starting the server reads this)
    /// and the exit status.
    static func fatal(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("zkserver: \(message)\n".utf8))
        return ExitCode(status)
    }

    /// glibc raises its mmap threshold to the size of the largest block freed (up to 32 MiB), so after the
    /// first snapshot buffer, buffers of that size come from the heap and their pages stay resident after
    /// free. A fixed threshold keeps every large buffer in its own mapping, returned to the system on free.
    func keepLargeBuffersInTheirOwnMappings() {
        #if canImport(Glibc)
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
        if ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = glibcMallopt(mmapThreshold, 128 << 10) }
        #endif
    }
}

#if canImport(Glibc)
// <malloc.h> is not part of Swift's Glibc module.
@_silgen_name("mallopt") func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// SIGTERM and SIGINT stop the server as Apache's shutdown hook does: the fsync under way finishes and its
/// clients are answered, then every connection closes (the sessions live on in the ensemble or on disk).
enum ShutdownOnSignal {
    static func serve(_ server: ZooKeeperServer, logger: Logger) async throws {
        let stopped = AsyncStream<Void>.makeStream()
        let signalled = SignalledFlag()
        let sources = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                guard signalled.set() else { return }
                logger.info("shutting down (signal \(number))")
                Task {
                    try? await server.shutdown()
                    stopped.continuation.finish()
                }
            }
            source.resume()
            return source
        }
        try await server.waitUntilClosed()
        if signalled.isSet { for await _ in stopped.stream {} }
        withExtendedLifetime(sources) {}
    }
}

/// Set once, from the main queue's signal handlers.
final class SignalledFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    /// true the first time only.
    func set() -> Bool { lock.withLock { defer { value = true }; return !value } }
    var isSet: Bool { lock.withLock { value } }
}
