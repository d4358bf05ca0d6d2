import Foundation
import ZKServer
import ZKServerCore

/// zkserver [-Dkey=value ...] path/to/zoo.cfg — as Apache's QuorumPeerMain takes it — or a data-dir tool.
if let status = Tools.run(Array(CommandLine.arguments.dropFirst())) { exit(status) }
if CommandLine.arguments.dropFirst().first == "--version" {
    print("zkserver \(ServerSettings().version) (speaks Apache ZooKeeper 3.8.0's protocols and formats)")
    exit(0)
}
keepLargeBuffersInTheirOwnMappings()
var properties: [String: String] = [:]
var configPath: String?
// Apache reads these as JVM flags; accept them the same way from the environment and the command line.
let flagSources = [ProcessInfo.processInfo.environment["SERVER_JVMFLAGS"], ProcessInfo.processInfo.environment["JVMFLAGS"]]
    .compactMap { $0 }.flatMap { $0.split(separator: " ").map(String.init) }
for argument in flagSources + CommandLine.arguments.dropFirst() {
    if argument.hasPrefix("-D") {
        let pair = argument.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
        properties[pair[0]] = pair.count > 1 ? pair[1] : ""
    } else if argument == "-h" || argument == "--help" {
        print(Tools.usage, terminator: "")
        exit(0)
    } else if !argument.hasPrefix("-") {
        configPath = argument
    }
}
if CommandLine.arguments.dropFirst().first == "--check-config" {
    guard let configPath else {
        FileHandle.standardError.write(Data("usage: zkserver --check-config zoo.cfg\n".utf8))
        exit(2)
    }
    let report = ConfigCheck.run(path: configPath, systemProperties: properties)
    for warning in report.warnings { print("warning: \(warning)") }
    for problem in report.problems { print("error: \(problem)") }
    if report.problems.isEmpty { print("\(configPath): ok") }
    exit(report.problems.isEmpty ? 0 : 1)
}
guard let configPath else {
    FileHandle.standardError.write(Data("usage: zkserver [-Dkey=value ...] zoo.cfg\n".utf8))
    exit(2)
}
let config: ZooConfig
do {
    let text = try String(contentsOfFile: configPath, encoding: .utf8)
    config = try ZooConfig.parse(text: text, path: configPath, systemProperties: properties)
} catch let error as ZooConfig.ParseError {
    FileHandle.standardError.write(Data("zkserver: invalid configuration: \(error)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("zkserver: cannot read \(configPath): \(error.localizedDescription)\n".utf8))
    exit(2)
}
for warning in config.warnings { FileHandle.standardError.write(Data("zkserver: warning: \(warning)\n".utf8)) }
if let problem = ConfigCheck.directoryProblems(config).first {
    FileHandle.standardError.write(Data("zkserver: \(problem)\n".utf8))
    exit(1)
}

let server: ZooKeeperServer
do {
    server = try ZooKeeperServer(config: config, environment: SystemEnvironment.current())
} catch {
    FileHandle.standardError.write(Data("zkserver: cannot recover the data in \(config.dataDir): \(error)\n".utf8))
    exit(1)
}
for note in server.recoveryNotes { FileHandle.standardError.write(Data("zkserver: \(note)\n".utf8)) }
do {
    try await server.start()
} catch let error as StartupError {
    FileHandle.standardError.write(Data("zkserver: \(error)\n".utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("zkserver: cannot listen on \(config.clientPortAddress):\(config.clientPort): \(error)\n".utf8))
    exit(1)
}
FileHandle.standardError.write(Data("zkserver: serving on \(config.clientPortAddress):\(server.boundPort ?? config.clientPort)\n".utf8))
// SIGTERM and SIGINT stop the server as Apache's shutdown hook does: the fsync under way finishes and its
// clients are answered, then every connection closes (the sessions live on in the ensemble or on disk).
let stopped = AsyncStream<Void>.makeStream()
nonisolated(unsafe) var signalled = false
let shutdownSignals = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
    source.setEventHandler {
        guard !signalled else { return }
        signalled = true
        FileHandle.standardError.write(Data("zkserver: shutting down (signal \(number))\n".utf8))
        Task {
            try? await server.shutdown()
            stopped.continuation.finish()
        }
    }
    source.resume()
    return source
}
try await server.waitUntilClosed()
if signalled { for await _ in stopped.stream {} }
withExtendedLifetime(shutdownSignals) {}

/// glibc raises its mmap threshold to the size of the largest block freed (up to 32 MiB), so after the
/// first snapshot buffer, buffers of that size come from the heap and their pages stay resident after
/// free. A fixed threshold keeps every large buffer in its own mapping, returned to the system on free.
func keepLargeBuffersInTheirOwnMappings() {
    #if canImport(Glibc)
    let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
    if ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = glibcMallopt(mmapThreshold, 128 << 10) }
    #endif
}

#if canImport(Glibc)
// <malloc.h> is not part of Swift's Glibc module.
@_silgen_name("mallopt") func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
