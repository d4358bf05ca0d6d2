import ZKProtocol

/// Where the client's session stands. `disconnected` means the connection was lost and the client is
/// reconnecting; `expired`, `authFailed` and `closed` are terminal.
public enum SessionState: Sendable, Hashable, CustomStringConvertible {
    case connecting
    case connected
    case connectedReadOnly
    case disconnected
    case expired
    case authFailed
    case closed

    public var isConnected: Bool { self == .connected || self == .connectedReadOnly }
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
    case watch(type: EventType, state: KeeperState, path: String)
    case state(SessionState)
}
