import ZKClient
import ZKProtocol

/// zkcli's process exit status. Scripts can tell a ZooKeeper answer (1) from a mistake in the command (2)
/// and from a lost server or session (3), which zkCli.sh folds into a single 1.
public enum ExitCode: Int32, Sendable, Hashable, Comparable {
    case success = 0
    case zookeeperError = 1
    case usage = 2
    case connection = 3

    public static func < (a: ExitCode, b: ExitCode) -> Bool { a.rawValue < b.rawValue }
}

/// A command that cannot run as written: bad flags, missing or extra arguments, an invalid path or ACL.
public struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The command's usage line ("get [-s] path"), when the error concerns one command.
    public var usage: String?

    public init(_ message: String, usage: String? = nil) { self.message = message; self.usage = usage }

    public var description: String { message }
}

/// Why a command failed.
public indirect enum ShellError: Error, Sendable, Hashable, CustomStringConvertible {
    case usage(UsageError)
    /// zkcli itself declines, to protect data: a redacted ACL it would write back, a delete of / (exit 1).
    case refused(String)
    /// A command that stopped part-way: the error, and what was and was not done.
    case incomplete(ShellError, report: String)
    /// The server (or the client on its behalf) answered with an error code.
    case zookeeper(ZooKeeperError)
    /// No session could be established, or the transport failed in a way that is not a ZooKeeper code.
    case connection(String)

    /// Codes that mean the session or its connection is gone rather than that the request was refused.
    static let sessionCodes: Set<ErrorCode> = [
        .connectionLoss, .sessionExpired, .sessionMoved, .operationTimeout, .requestTimeout, .authFailed,
    ]

    public var exitCode: ExitCode {
        switch self {
        case .usage: return .usage
        case .refused: return .zookeeperError
        case .incomplete(let error, _): return error.exitCode
        case .zookeeper(let error): return Self.sessionCodes.contains(error.code) ? .connection : .zookeeperError
        case .connection: return .connection
        }
    }

    public var description: String {
        switch self {
        case .usage(let error): return error.message
        case .refused(let message): return message
        case .incomplete(let error, let report): return error.description + "\n" + report
        case .zookeeper(let error): return error.description
        case .connection(let message): return message
        }
    }

    /// Wraps whatever a client call threw.
    static func from(_ error: any Error) -> ShellError {
        switch error {
        case let error as ShellError: return error
        case let error as ConnectError: return .connection(error.description)
        case let error as ZooKeeperError: return .zookeeper(error)
        case let error as UsageError: return .usage(error)
        default: return .connection(String(describing: error))
        }
    }
}
