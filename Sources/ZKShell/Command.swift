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
    case deleteAll(path: String, batchSize: Int)
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
    case setAcl(path: String, acl: [ACL], version: Int32, stat: Bool, recursive: Bool)
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
    case watch(path: String, recursive: Bool, count: Int?)
    case unwatch(path: String?)
    case copy(from: String, to: String)
    case move(from: String, to: String)
    case export(path: String, file: String?)
    case `import`(path: String, file: String?, update: Bool)
    // Administration.
    case fourLetterWord(String, server: String?, all: Bool)
    case ensemble

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
        case .fourLetterWord: return "4lw"
        case .ensemble: return "ensemble"
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
