import ZKProtocol

/// A parsed command, ready to execute. Paths are absolute (resolved against the current node) and
/// validated; versions default to -1 (any).
public enum Command: Sendable, Hashable {
    // zkCli.sh's commands.
    case addAuth(scheme: String, auth: [UInt8])
    case addWatch(path: String, mode: AddWatchMode)
    case close
    case config(membershipOnly: Bool, watch: Bool, stat: Bool)
    case connect(servers: String?)
    case create(path: String, data: DataSource, acl: [ACL], mode: CreateMode, ttl: Int64?)
    case delete(path: String, version: Int32)
    case deleteAll(path: String, batchSize: Int, change: ChangeOptions = ChangeOptions())
    case delQuota(path: String, limit: QuotaLimit?)
    case get(path: String, stat: Bool, watch: Bool, format: DataFormat, outputFile: String?)
    case getAcl(path: String, stat: Bool)
    case getAllChildrenNumber(path: String)
    case getEphemerals(path: String?)
    case help(command: String?)
    case history
    case listQuota(path: String)
    case ls(path: String, stat: Bool, watch: Bool, recursive: Bool)
    case printWatches(Bool?)
    case quit
    case reconfig(ReconfigChange, fromVersion: Int64, stat: Bool)
    case redo(Int)
    case removeWatches(path: String, type: WatcherType, local: Bool)
    case set(path: String, data: DataSource, version: Int32, stat: Bool)
    case setAcl(path: String, acl: [ACL], version: Int32, stat: Bool, recursive: Bool, change: ChangeOptions = ChangeOptions())
    case setQuota(path: String, limit: QuotaLimit, value: Int64)
    case stat(path: String, watch: Bool)
    case sync(path: String)
    case version
    case whoAmI
    // Navigation and subtrees.
    case cd(path: String)
    case pwd
    case tree(path: String, depth: Int?, sizes: Bool)
    case find(path: String, name: String?, ephemeralOnly: Bool, depth: Int?)
    case grep(path: String, pattern: String, ignoreCase: Bool, pathsOnly: Bool)
    case watch(path: String, recursive: Bool, count: Int?, withData: Bool = false)
    case unwatch(path: String?)
    case copy(from: String, to: String, change: ChangeOptions = ChangeOptions(), redactedACL: [ACL]? = nil)
    case move(from: String, to: String, change: ChangeOptions = ChangeOptions(), redactedACL: [ACL]? = nil)
    case export(path: String, file: String?, redactedACL: [ACL]? = nil)
    case `import`(path: String, file: String?, update: Bool, atomic: Bool = false, change: ChangeOptions = ChangeOptions(), redactedACL: [ACL]? = nil)
    case edit(path: String)
    case diff(left: TreeLocation, right: TreeLocation)
    case du(path: String, human: Bool, summaryOnly: Bool)
    // Administration.
    /// `argument`: stmk's trace mask.
    case fourLetterWord(String, argument: Int64? = nil, server: String?, all: Bool)
    case ensemble
    case top(intervalMs: Int, count: Int?)

    /// The table entry this command was parsed from.
    public var spec: CommandSpec {
        guard let spec = CommandTable.spec(named: name) else { preconditionFailure("\(name) is not in CommandTable") }
        return spec
    }

    public var name: String {
        switch self {
        case .addAuth: return "addauth"
        case .addWatch: return "addWatch"
        case .close: return "close"
        case .config: return "config"
        case .connect: return "connect"
        case .create: return "create"
        case .delete: return "delete"
        case .deleteAll: return "deleteall"
        case .delQuota: return "delquota"
        case .get: return "get"
        case .getAcl: return "getAcl"
        case .getAllChildrenNumber: return "getAllChildrenNumber"
        case .getEphemerals: return "getEphemerals"
        case .help: return "help"
        case .history: return "history"
        case .listQuota: return "listquota"
        case .ls: return "ls"
        case .printWatches: return "printwatches"
        case .quit: return "quit"
        case .reconfig: return "reconfig"
        case .redo: return "redo"
        case .removeWatches: return "removewatches"
        case .set: return "set"
        case .setAcl: return "setAcl"
        case .setQuota: return "setquota"
        case .stat: return "stat"
        case .sync: return "sync"
        case .version: return "version"
        case .whoAmI: return "whoami"
        case .cd: return "cd"
        case .pwd: return "pwd"
        case .tree: return "tree"
        case .find: return "find"
        case .grep: return "grep"
        case .watch: return "watch"
        case .unwatch: return "unwatch"
        case .copy: return "cp"
        case .move: return "mv"
        case .export: return "export"
        case .import: return "import"
        case .edit: return "edit"
        case .diff: return "diff"
        case .du: return "du"
        case .fourLetterWord: return "4lw"
        case .ensemble: return "ensemble"
        case .top: return "top"
        }
    }

    public var needsSession: Bool { spec.needsSession }
}

/// Where a node's new data comes from: the command line, or a local file read when the command runs.
public enum DataSource: Sendable, Hashable {
    case bytes([UInt8])
    case file(String)
}

/// How `get` shows data.
public enum DataFormat: Sendable, Hashable {
    /// UTF-8 when it is text, else `\xNN` escapes.
    case text
    case hex
    case base64
}

/// A quota limit, as setquota's flags name them.
public enum QuotaLimit: String, Sendable, Hashable, CaseIterable {
    case countSoft = "n", bytesSoft = "b", countHard = "N", bytesHard = "B"
}

/// reconfig's two forms: incremental, or a whole new membership.
public enum ReconfigChange: Sendable, Hashable {
    case incremental(joining: String?, leaving: String?)
    case members(String)
    /// server.N= lines (zkCli.sh's -file), read when the command runs.
    case membersFile(String)
}

/// The safety options of commands that change many nodes: `--dry-run` lists what would change and changes
/// nothing; `-y` skips the confirmation an interactive prompt asks for above `Executor.confirmAbove` nodes.
public struct ChangeOptions: Sendable, Hashable {
    public var dryRun: Bool
    public var yes: Bool

    public init(dryRun: Bool = false, yes: Bool = false) { self.dryRun = dryRun; self.yes = yes }
}

/// One side of `diff`: a path on the connected ensemble, or `zk://host:port[,host:port]/path` on another.
public struct TreeLocation: Sendable, Hashable, CustomStringConvertible {
    /// nil: the session's own servers.
    public var servers: String?
    public var path: String

    public init(servers: String? = nil, path: String) { self.servers = servers; self.path = path }

    public var description: String { servers.map { "zk://\($0)\(path)" } ?? path }
}
