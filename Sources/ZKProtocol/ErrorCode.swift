/// KeeperException.Code. A struct rather than an enum so that a code we do not know still round-trips.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Error, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let ok = ErrorCode(rawValue: 0)
    public static let systemError = ErrorCode(rawValue: -1)
    public static let runtimeInconsistency = ErrorCode(rawValue: -2)
    public static let dataInconsistency = ErrorCode(rawValue: -3)
    public static let connectionLoss = ErrorCode(rawValue: -4)
    public static let marshallingError = ErrorCode(rawValue: -5)
    public static let unimplemented = ErrorCode(rawValue: -6)
    public static let operationTimeout = ErrorCode(rawValue: -7)
    public static let badArguments = ErrorCode(rawValue: -8)
    public static let unknownSession = ErrorCode(rawValue: -12)
    public static let newConfigNoQuorum = ErrorCode(rawValue: -13)
    public static let reconfigInProgress = ErrorCode(rawValue: -14)
    public static let apiError = ErrorCode(rawValue: -100)
    public static let noNode = ErrorCode(rawValue: -101)
    public static let noAuth = ErrorCode(rawValue: -102)
    public static let badVersion = ErrorCode(rawValue: -103)
    public static let noChildrenForEphemerals = ErrorCode(rawValue: -108)
    public static let nodeExists = ErrorCode(rawValue: -110)
    public static let notEmpty = ErrorCode(rawValue: -111)
    public static let sessionExpired = ErrorCode(rawValue: -112)
    public static let invalidCallback = ErrorCode(rawValue: -113)
    public static let invalidACL = ErrorCode(rawValue: -114)
    public static let authFailed = ErrorCode(rawValue: -115)
    public static let sessionMoved = ErrorCode(rawValue: -118)
    public static let notReadOnly = ErrorCode(rawValue: -119)
    public static let ephemeralOnLocalSession = ErrorCode(rawValue: -120)
    public static let noWatcher = ErrorCode(rawValue: -121)
    public static let requestTimeout = ErrorCode(rawValue: -122)
    public static let reconfigDisabled = ErrorCode(rawValue: -123)
    public static let sessionClosedRequireSaslAuth = ErrorCode(rawValue: -124)
    public static let quotaExceeded = ErrorCode(rawValue: -125)
    public static let throttledOp = ErrorCode(rawValue: -127)

    public static let all: [ErrorCode] = [
        .ok, .systemError, .runtimeInconsistency, .dataInconsistency, .connectionLoss, .marshallingError,
        .unimplemented, .operationTimeout, .badArguments, .unknownSession, .newConfigNoQuorum,
        .reconfigInProgress, .apiError, .noNode, .noAuth, .badVersion, .noChildrenForEphemerals, .nodeExists,
        .notEmpty, .sessionExpired, .invalidCallback, .invalidACL, .authFailed, .sessionMoved, .notReadOnly,
        .ephemeralOnLocalSession, .noWatcher, .requestTimeout, .reconfigDisabled,
        .sessionClosedRequireSaslAuth, .quotaExceeded, .throttledOp,
    ]

    /// The Java enum constant's name in CamelCase, as kazoo and our shell name the error.
    public var name: String {
        switch self {
        case .ok: return "OK"
        case .systemError: return "SystemError"
        case .runtimeInconsistency: return "RuntimeInconsistency"
        case .dataInconsistency: return "DataInconsistency"
        case .connectionLoss: return "ConnectionLoss"
        case .marshallingError: return "MarshallingError"
        case .unimplemented: return "Unimplemented"
        case .operationTimeout: return "OperationTimeout"
        case .badArguments: return "BadArguments"
        case .unknownSession: return "UnknownSession"
        case .newConfigNoQuorum: return "NewConfigNoQuorum"
        case .reconfigInProgress: return "ReconfigInProgress"
        case .apiError: return "APIError"
        case .noNode: return "NoNode"
        case .noAuth: return "NoAuth"
        case .badVersion: return "BadVersion"
        case .noChildrenForEphemerals: return "NoChildrenForEphemerals"
        case .nodeExists: return "NodeExists"
        case .notEmpty: return "NotEmpty"
        case .sessionExpired: return "SessionExpired"
        case .invalidCallback: return "InvalidCallback"
        case .invalidACL: return "InvalidACL"
        case .authFailed: return "AuthFailed"
        case .sessionMoved: return "SessionMoved"
        case .notReadOnly: return "NotReadOnly"
        case .ephemeralOnLocalSession: return "EphemeralOnLocalSession"
        case .noWatcher: return "NoWatcher"
        case .requestTimeout: return "RequestTimeout"
        case .reconfigDisabled: return "ReconfigDisabled"
        case .sessionClosedRequireSaslAuth: return "SessionClosedRequireSaslAuth"
        case .quotaExceeded: return "QuotaExceeded"
        case .throttledOp: return "ThrottledOp"
        default: return "Error(\(rawValue))"
        }
    }

    /// KeeperException's message text, e.g. "NoNode" -> "Node does not exist"; zkcli prints it.
    public var message: String {
        switch self {
        case .ok: return "ok"
        case .systemError: return "SystemError"
        case .runtimeInconsistency: return "RuntimeInconsistency"
        case .dataInconsistency: return "DataInconsistency"
        case .connectionLoss: return "ConnectionLoss"
        case .marshallingError: return "MarshallingError"
        case .unimplemented: return "Unimplemented"
        case .operationTimeout: return "OperationTimeout"
        case .badArguments: return "BadArguments"
        case .noNode: return "Node does not exist"
        case .noAuth: return "Insufficient permission"
        case .badVersion: return "version No is not valid"
        case .noChildrenForEphemerals: return "Ephemeral node may not have children"
        case .nodeExists: return "Node already exists"
        case .notEmpty: return "Directory not empty"
        case .sessionExpired: return "Session expired"
        case .invalidACL: return "Invalid ACL"
        case .authFailed: return "Authentication failed"
        case .sessionMoved: return "Session moved"
        case .notReadOnly: return "Not a read-only call"
        case .noWatcher: return "No such watcher"
        case .reconfigDisabled: return "Reconfig is disabled"
        case .quotaExceeded: return "Quota has exceeded"
        default: return name
        }
    }

    public var description: String { name }
}
