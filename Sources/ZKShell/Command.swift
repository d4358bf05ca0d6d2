import ZKProtocol

/// A parsed command, ready to execute. Paths are validated; data is bytes; versions default to -1 (any).
public enum Command: Sendable, Hashable {
    case ls(path: String, stat: Bool, recursive: Bool)
    case get(path: String, stat: Bool)
    case set(path: String, data: [UInt8], version: Int32, stat: Bool)
    case create(path: String, data: [UInt8], acl: [ACL], mode: CreateMode, ttl: Int64?)
    case delete(path: String, version: Int32)
    case deleteAll(path: String)
    case stat(path: String)
    case getAcl(path: String, stat: Bool)
    case setAcl(path: String, acl: [ACL], version: Int32, stat: Bool, recursive: Bool)
    case addAuth(scheme: String, auth: [UInt8])
    case sync(path: String)
    case whoAmI
    case getEphemerals(path: String?)
    case getAllChildrenNumber(path: String)
    case version
    case help(command: String?)
    case quit

    /// The table entry this command was parsed from.
    public var name: String {
        switch self {
        case .ls: return "ls"
        case .get: return "get"
        case .set: return "set"
        case .create: return "create"
        case .delete: return "delete"
        case .deleteAll: return "deleteall"
        case .stat: return "stat"
        case .getAcl: return "getAcl"
        case .setAcl: return "setAcl"
        case .addAuth: return "addauth"
        case .sync: return "sync"
        case .whoAmI: return "whoami"
        case .getEphemerals: return "getEphemerals"
        case .getAllChildrenNumber: return "getAllChildrenNumber"
        case .version: return "version"
        case .help: return "help"
        case .quit: return "quit"
        }
    }

    public var needsSession: Bool { CommandTable.spec(named: name)?.needsSession ?? true }
}
