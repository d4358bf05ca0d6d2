/// ZooDefs.OpCode: the request type in every RequestHeader and TxnHeader.
public enum OpCode: Int32, Sendable, CaseIterable {
    case notification = 0
    case create = 1
    case delete = 2
    case exists = 3
    case getData = 4
    case setData = 5
    case getACL = 6
    case setACL = 7
    case getChildren = 8
    case sync = 9
    case ping = 11
    case getChildren2 = 12
    case check = 13
    case multi = 14
    case create2 = 15
    case reconfig = 16
    case checkWatches = 17
    case removeWatches = 18
    case createContainer = 19
    case deleteContainer = 20
    case createTTL = 21
    case multiRead = 22
    case auth = 100
    case setWatches = 101
    case sasl = 102
    case getEphemerals = 103
    case getAllChildrenNumber = 104
    case setWatches2 = 105
    case addWatch = 106
    case whoAmI = 107
    case createSession = -10
    case closeSession = -11
    case error = -1

    /// The mnemonic Apache prints as `lop=` in `cons` output.
    public var mnemonic: String {
        switch self {
        case .notification: return "NOTI"
        case .create, .create2, .createContainer, .createTTL: return "CREA"
        case .delete, .deleteContainer: return "DELE"
        case .exists: return "EXIS"
        case .getData: return "GETD"
        case .setData: return "SETD"
        case .getACL: return "GETA"
        case .setACL: return "SETA"
        case .getChildren, .getChildren2: return "GETC"
        case .sync: return "SYNC"
        case .ping: return "PING"
        case .check: return "CHEC"
        case .multi: return "MULT"
        case .multiRead: return "MLTR"
        case .reconfig: return "RECO"
        case .checkWatches: return "CHKW"
        case .removeWatches: return "REMW"
        case .auth: return "AUTH"
        case .setWatches: return "SETW"
        case .setWatches2: return "STW2"
        case .sasl: return "SASL"
        case .getEphemerals: return "GETE"
        case .getAllChildrenNumber: return "GETACN"
        case .addWatch: return "ADDW"
        case .whoAmI: return "HOMI"
        case .createSession: return "SESS"
        case .closeSession: return "CLOS"
        case .error: return "ERR"
        }
    }

    /// Whether the operation changes the tree, and so becomes a transaction.
    public var isWrite: Bool {
        switch self {
        case .create, .create2, .createContainer, .createTTL, .delete, .deleteContainer, .setData, .setACL,
             .check, .multi, .reconfig, .createSession, .closeSession:
            return true
        default:
            return false
        }
    }

    /// Whether the request record of this operation begins with its path.
    public var recordStartsWithPath: Bool {
        switch self {
        case .create, .create2, .createContainer, .createTTL, .delete, .exists, .getData, .setData, .getACL, .setACL,
             .getChildren, .getChildren2, .sync, .check, .checkWatches, .removeWatches, .getEphemerals,
             .getAllChildrenNumber, .addWatch:
            return true
        default:
            return false
        }
    }
}

/// Reserved xids of ClientCnxn.
public enum SpecialXid {
    public static let notification: Int32 = -1
    public static let ping: Int32 = -2
    public static let auth: Int32 = -4
    public static let setWatches: Int32 = -8
}
