import ZKProtocol

/// Where the client's session stands. `disconnected` means the connection was lost and the client is
/// reconnecting; `expired`, `authFailed` and `closed` are terminal.
public enum SessionState: Sendable, Hashable, CustomStringConvertible {
    /// No session yet: the first connection is being made.
    case connecting
    /// Connected to a server with a usable session.
    case connected
    /// Connected to a read-only server (asked for with `Configuration.readOnly`); reads work, writes fail.
    case connectedReadOnly
    /// The connection was lost; the client is reconnecting, and the session may still be alive on the servers.
    case disconnected
    /// A server told the client at reconnect that the session is gone, with its ephemeral nodes and watches;
    /// a new client is needed.
    case expired
    /// A server rejected the credentials of `addAuth` (also when re-sent at a reconnect).
    case authFailed
    /// The session was ended by `close()`, or `connect` gave up before a session was established.
    case closed

    /// `connected` or `connectedReadOnly`: requests are sent at once rather than waiting for a connection.
    public var isConnected: Bool { self == .connected || self == .connectedReadOnly }
    /// `expired`, `authFailed` or `closed`: the session is over and every request fails.
    public var isTerminal: Bool { self == .expired || self == .authFailed || self == .closed }

    /// Apache's KeeperState for this session state.
    public var keeperState: KeeperState {
        switch self {
        case .connecting, .disconnected: return .disconnected
        case .connected: return .syncConnected
        case .connectedReadOnly: return .connectedReadOnly
        case .expired: return .expired
        case .authFailed: return .authFailed
        case .closed: return .closed
        }
    }

    /// The state in upper case, in the style of Apache's `ZooKeeper.States` ("CONNECTED", "AUTH_FAILED"…).
    public var description: String {
        switch self {
        case .connecting: return "CONNECTING"
        case .connected: return "CONNECTED"
        case .connectedReadOnly: return "CONNECTEDREADONLY"
        case .disconnected: return "DISCONNECTED"
        case .expired: return "EXPIRED"
        case .authFailed: return "AUTH_FAILED"
        case .closed: return "CLOSED"
        }
    }
}

/// What the client's event streams carry: watch notifications (paths relative to the chroot) and session
/// state changes, in the order the client saw them.
public enum ClientEvent: Sendable, Equatable {
    /// A watch fired (or, after `removeWatches`, was removed locally); `state` is the server's KeeperState,
    /// normally `.syncConnected`.
    case watch(type: EventType, state: KeeperState, path: String)
    /// The session changed state: connected (or read-only) at each handshake, disconnected at each loss, and
    /// a terminal state last, after which the stream ends.
    case state(SessionState)
}
