import ArgumentParser
import Foundation
import ZKServerCore

/// zkserver [-Dkey=value ...] zoo.cfg — as Apache's QuorumPeerMain takes it — or a data-dir tool (Apache
/// ships those as zkTxnLogToolkit, zkSnapShotToolkit and zkCleanup).
@main
struct ZKServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkserver",
        abstract: "A ZooKeeper server: Apache ZooKeeper 3.8's zoo.cfg, data dir, protocols and four-letter words.",
        version: "zkserver \(ServerSettings().version) (speaks Apache ZooKeeper 3.8.0's protocols and formats)",
        subcommands: [Serve.self, LogDump.self, SnapshotDump.self, Verify.self, PurgeCommand.self],
        defaultSubcommand: Serve.self)

    /// ArgumentParser reads "-Dkey=value" as an option named "-Dkey"; Apache's joined form is split first.
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst().flatMap { argument -> [String] in
            argument.hasPrefix("-D") && argument.count > 2 ? ["-D", String(argument.dropFirst(2))] : [argument]
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Apache reads its settings as JVM system properties too; zkserver takes them the same way, from the
/// command line and from SERVER_JVMFLAGS/JVMFLAGS.
struct SystemPropertyOptions: ParsableArguments {
    @Option(name: .customShort("D"), help: ArgumentHelp("A system property, as Apache's -Dkey=value.", valueName: "key=value"))
    var properties: [String] = []

    var values: [String: String] {
        let environment = ProcessInfo.processInfo.environment
        var fromEnvironment: [String] = []
        for name in ["SERVER_JVMFLAGS", "JVMFLAGS"] {
            guard let flags = environment[name] else { continue }
            for word in flags.split(separator: " ") where word.hasPrefix("-D") {
                fromEnvironment.append(String(word.dropFirst(2)))
            }
        }
        var result: [String: String] = [:]
        for pair in fromEnvironment + properties {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let key = parts.first, !key.isEmpty else { continue }
            result[key] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }
}
