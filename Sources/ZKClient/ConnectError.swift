#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import NIOSSL

/// No session within the time allowed: every server tried, with what went wrong there last, so that a
/// user can tell a typo (cannot resolve) from a server that is down (connection refused) or hung (timed out).
///
/// Thrown by `ZooKeeperClient.connect`; failed attempts are also reported as they happen to
/// `Configuration.onConnectFailure`.
public struct ConnectError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One failed connection attempt: the server and why it gave no session.
    public struct Attempt: Sendable, Hashable, CustomStringConvertible {
        /// The server tried.
        public var server: HostPort
        /// "connection refused", "cannot resolve host", "timed out connecting", …
        public var reason: String

        /// An attempt on `server` that failed for `reason`.
        public init(server: HostPort, reason: String) { self.server = server; self.reason = reason }

        /// "host:port: reason".
        public var description: String { "\(server): \(reason)" }
    }

    /// The last failure of each server tried, in the order first tried.
    public var attempts: [Attempt]
    /// The time `connect` was allowed (`firstSessionTimeout`, or its default).
    public var timeout: Duration

    /// A failure after `timeout` with these attempts.
    public init(attempts: [Attempt], timeout: Duration) { self.attempts = attempts; self.timeout = timeout }

    /// "cannot connect within N ms: " and each attempt, separated by "; " (or a shorter text without attempts).
    public var description: String {
        let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        guard !attempts.isEmpty else { return "cannot connect: no session within \(ms) ms" }
        return "cannot connect within \(ms) ms: " + attempts.map(\.description).joined(separator: "; ")
    }

    /// A connect failure in words. NIO wraps resolution and per-address failures in NIOConnectionError.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first { return reason(failure.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "cannot resolve host" }
            return "cannot connect"
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ETIMEDOUT: return "timed out connecting"
            case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
            default: return String(cString: strerror(error.errnoCode))
            }
        case ChannelError.connectTimeout:
            return "timed out connecting"
        case is SocketAddressError:
            return "cannot resolve host"
        case let error as NIOSSLError:
            return "TLS: \(error)"
        case let error as BoringSSLError:
            return "TLS: \(error)"
        default:
            return String(describing: error)
        }
    }
}
