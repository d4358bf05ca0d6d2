import ZKClient
import ZKProtocol

/// Runs one server command against a client. No output here: the result goes to a renderer. Commands that
/// concern the shell itself (cd, history, watch, connect…) are the session's; admin queries are `AdminQueries`.
public struct Executor: Sendable {
    public let client: any ShellClient
    public let io: CommandIO
    /// Opens a session on other servers (diff's zk:// side); nil where there is none to open.
    public let connector: ShellSession.Connector?

    /// Above this many nodes, a command that deletes or rewrites a subtree asks first at a prompt.
    public static let confirmAbove = 100

    public init(client: any ShellClient, io: CommandIO = .silent, connector: ShellSession.Connector? = nil) {
        self.client = client; self.io = io; self.connector = connector
    }

    public func execute(_ command: Command) async throws(ShellError) -> CommandResult {
        do {
            return try await run(command)
        } catch is Declined {
            return .declined(command: command.name)
        } catch {
            throw ShellError.from(error)
        }
    }

    /// At a prompt, asks before changing more than `confirmAbove` nodes; throws Declined on no.
    func confirm(_ count: Int, _ question: @autoclosure () -> String, _ change: ChangeOptions) async throws {
        guard count > Self.confirmAbove, !change.yes, let ask = io.confirm else { return }
        if !(await ask(question() + " [y/N] ")) { throw Declined() }
    }

    /// Commands that need neither a server nor the session's state.
    public static func local(_ command: Command) -> CommandResult? {
        switch command {
        case .version: return .version(ShellVersion.string)
        case .help(let name):
            if let name, let spec = CommandTable.spec(named: name) { return .help([spec], single: true) }
            return .help(CommandTable.all, single: false)
        case .quit: return .quit
        default: return nil
        }
    }

    func run(_ command: Command) async throws -> CommandResult {
        if let result = Self.local(command) { return result }
        switch command {
        case .ls(let path, let stat, let watch, let recursive):
            if recursive { return try await listSubtree(path) }
            let (children, nodeStat) = try await client.getChildren2(path, watch: watch)
            return .children(path: path, children: children.sorted(), stat: nodeStat, showStat: stat)
        case .get(let path, let stat, let watch, let format, let outputFile):
            let (data, nodeStat) = try await client.getData(path, watch: watch)
            if let outputFile {
                try LocalFile.write(data, to: outputFile)
                return .dataSaved(path: path, file: outputFile, stat: nodeStat, showStat: stat)
            }
            return .data(path: path, data: data, stat: nodeStat, showStat: stat, format: format)
        case .set(let path, let data, let version, let stat):
            let bytes = try LocalFile.bytes(data)
            return .nodeStat(path: path, stat: try await client.setData(path, data: bytes, version: version), showStat: stat)
        case .create(let path, let data, let acl, let mode, let ttl):
            let (created, stat) = try await client.create2(path, data: try LocalFile.bytes(data), acl: acl, mode: mode, ttl: ttl)
            return .created(path: created, stat: stat)
        case .delete(let path, let version):
            try await client.delete(path, version: version)
            return .deleted(path: path, count: 1, recursive: false)
        case .deleteAll(let path, let batchSize, let change):
            return try await deleteAllCommand(path, batchSize: batchSize, change: change)
        case .stat(let path, let watch):
            guard let stat = try await client.exists(path, watch: watch) else {
                throw ZooKeeperError(code: .noNode, path: path)
            }
            return .nodeStat(path: path, stat: stat, showStat: true)
        case .getAcl(let path, let stat):
            let (acl, nodeStat) = try await client.getACL(path)
            return .acl(path: path, acl: acl, stat: nodeStat, showStat: stat)
        case .setAcl(let path, let acl, let version, let stat, let recursive, let change):
            guard recursive else {
                return .nodeStat(path: path, stat: try await client.setACL(path, acl: acl, version: version), showStat: stat)
            }
            let paths = try await subtree(path)
            if change.dryRun {
                return .plan(DryRun(command: "setAcl", path: path, entries: paths.map { PlannedChange(path: $0) },
                                    summary: "would set the ACL of \(Self.count(paths.count))"))
            }
            try await confirm(paths.count, "setAcl -R \(path): set the ACL of \(Self.count(paths.count))?", change)
            let nodeStat = try await client.setACL(path, acl: acl, version: version)
            // Apache applies the version to the named node only; descendants get any version.
            for descendant in paths.dropFirst() {
                try Task.checkCancellation()
                _ = try await client.setACL(descendant, acl: acl, version: -1)
            }
            return .nodeStat(path: path, stat: nodeStat, showStat: stat)
        case .addAuth(let scheme, let auth):
            try await client.addAuth(scheme: scheme, auth: auth)
            return .authAdded(scheme: scheme)
        case .sync(let path):
            _ = try await client.sync(path)
            return .synced(path: path)
        case .whoAmI:
            return .identities(try await client.whoAmI())
        case .getEphemerals(let path):
            return .ephemerals(path: path ?? "/", paths: try await client.getEphemerals(path ?? "/").sorted())
        case .getAllChildrenNumber(let path):
            return .childCount(path: path, count: try await client.getAllChildrenNumber(path))
        case .addWatch(let path, let mode):
            try await client.addWatch(path, mode: mode)
            return .done(command: "addWatch", path: path)
        case .removeWatches(let path, let type, let local):
            do {
                try await client.removeWatches(path, type: type)
            } catch let error as ZooKeeperError where local && ShellError.sessionCodes.contains(error.code) {
                // -l: the server is out of reach; what the shell tracks is gone all the same.
            }
            return .done(command: "removewatches", path: path)
        case .config(let membershipOnly, let watch, let stat):
            let (data, nodeStat) = try await client.getConfig(watch: watch)
            return .configuration(lines: Self.configLines(data, membershipOnly: membershipOnly), stat: nodeStat,
                                  showStat: stat, reconfigured: false)
        case .reconfig(let change, let version, let stat):
            let (data, nodeStat) = try await reconfig(change, fromVersion: version)
            return .configuration(lines: Self.configLines(data, membershipOnly: false), stat: nodeStat, showStat: stat,
                                  reconfigured: true)
        case .listQuota(let path):
            return try await listQuota(path)
        case .setQuota(let path, let limit, let value):
            try await setQuota(path, limit: limit, value: value)
            return .done(command: "setquota", path: path)
        case .delQuota(let path, let limit):
            try await delQuota(path, limit: limit)
            return .done(command: "delquota", path: path)
        case .tree(let path, let depth, let sizes):
            return try await tree(path, maxDepth: depth, sizes: sizes)
        case .find(let path, let name, let ephemeralOnly, let depth):
            return try await find(path, name: name, ephemeralOnly: ephemeralOnly, maxDepth: depth)
        case .grep(let path, let pattern, let ignoreCase, let pathsOnly):
            return try await grep(path, pattern: pattern, ignoreCase: ignoreCase, pathsOnly: pathsOnly)
        case .copy(let from, let to, let change, let replacement):
            return try await copy(from: from, to: to, move: false, change: change, replacement: replacement)
        case .move(let from, let to, let change, let replacement):
            return try await copy(from: from, to: to, move: true, change: change, replacement: replacement)
        case .export(let path, let file, let replacement):
            let (document, count) = try await export(path, replacement: replacement)
            if let file { try LocalFile.write(Array((document.serialized(pretty: true) + "\n").utf8), to: file) }
            return .exported(path: path, document: document, file: file, count: count)
        case .import(let path, let file, let update, let atomic, let change, let replacement):
            let text = try LocalFile.readText(file)
            return try await importTree(text, at: path, update: update, atomic: atomic, change: change, replacement: replacement)
        case .edit(let path):
            return try await edit(path)
        case .diff(let left, let right):
            return try await diff(left, right)
        case .du(let path, let human, let summaryOnly):
            return .diskUsage(try await diskUsage(path, summaryOnly: summaryOnly), human: human)
        case .version, .help, .quit, .close, .connect, .history, .redo, .printWatches, .cd, .pwd, .watch, .unwatch,
             .fourLetterWord, .ensemble, .top:
            preconditionFailure("\(command.name) is answered by the session, not the executor")
        }
    }

    /// "1 node", "12 nodes".
    static func count(_ n: Int) -> String { n == 1 ? "1 node" : "\(n) nodes" }

    /// reconfig's file form reads server.N= lines and sends them as the new membership.
    func reconfig(_ change: ReconfigChange, fromVersion: Int64) async throws -> (data: [UInt8], stat: Stat) {
        switch change {
        case .incremental(let joining, let leaving):
            return try await client.reconfig(joining: joining, leaving: leaving, newMembers: nil, fromConfig: fromVersion)
        case .members(let members):
            return try await client.reconfig(joining: nil, leaving: nil, newMembers: members, fromConfig: fromVersion)
        case .membersFile(let file):
            let members = try LocalFile.readText(file).split(whereSeparator: \.isNewline)
                .map { $0.trimmingBlanks() }.filter { $0.hasPrefix("server.") }
            guard !members.isEmpty else { throw UsageError("reconfig: \(file) has no server.N= lines") }
            return try await client.reconfig(joining: nil, leaving: nil, newMembers: members.joined(separator: ","),
                                             fromConfig: fromVersion)
        }
    }

    /// The configuration text as lines; -c keeps the membership (server.N=) and the version, as zkCli.sh does.
    static func configLines(_ data: [UInt8], membershipOnly: Bool) -> [String] {
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        guard membershipOnly else { return lines }
        return lines.filter { $0.hasPrefix("server.") || $0.hasPrefix("version=") }
    }
}
