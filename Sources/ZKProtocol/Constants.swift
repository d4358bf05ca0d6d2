/// CreateMode flags as carried in CreateRequest.flags.
public enum CreateMode: Int32, Sendable, CaseIterable {
    case persistent = 0
    case ephemeral = 1
    case persistentSequential = 2
    case ephemeralSequential = 3
    case container = 4
    case persistentWithTTL = 5
    case persistentSequentialWithTTL = 6

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool {
        self == .persistentSequential || self == .ephemeralSequential || self == .persistentSequentialWithTTL
    }
    public var isContainer: Bool { self == .container }
    public var isTTL: Bool { self == .persistentWithTTL || self == .persistentSequentialWithTTL }
}

/// Watcher.Event.EventType
public enum EventType: Int32, Sendable, CaseIterable {
    case none = -1
    case nodeCreated = 1
    case nodeDeleted = 2
    case nodeDataChanged = 3
    case nodeChildrenChanged = 4
    case dataWatchRemoved = 5
    case childWatchRemoved = 6
    case persistentWatchRemoved = 7

    public var name: String {
        switch self {
        case .none: return "None"
        case .nodeCreated: return "NodeCreated"
        case .nodeDeleted: return "NodeDeleted"
        case .nodeDataChanged: return "NodeDataChanged"
        case .nodeChildrenChanged: return "NodeChildrenChanged"
        case .dataWatchRemoved: return "DataWatchRemoved"
        case .childWatchRemoved: return "ChildWatchRemoved"
        case .persistentWatchRemoved: return "PersistentWatchRemoved"
        }
    }
}

/// Watcher.Event.KeeperState
public enum KeeperState: Int32, Sendable, CaseIterable {
    case unknown = -1
    case disconnected = 0
    case noSyncConnected = 1
    case syncConnected = 3
    case authFailed = 4
    case connectedReadOnly = 5
    case saslAuthenticated = 6
    case expired = -112
    case closed = 7

    public var name: String {
        switch self {
        case .unknown: return "Unknown"
        case .disconnected: return "Disconnected"
        case .noSyncConnected: return "NoSyncConnected"
        case .syncConnected: return "SyncConnected"
        case .authFailed: return "AuthFailed"
        case .connectedReadOnly: return "ConnectedReadOnly"
        case .saslAuthenticated: return "SaslAuthenticated"
        case .expired: return "Expired"
        case .closed: return "Closed"
        }
    }
}

/// Watcher.WatcherType, used by checkWatches and removeWatches.
public enum WatcherType: Int32, Sendable, CaseIterable {
    case children = 1
    case data = 2
    case any = 3
    case persistent = 4
    case persistentRecursive = 5
}

/// AddWatchMode
public enum AddWatchMode: Int32, Sendable, CaseIterable {
    case persistent = 0
    case persistentRecursive = 1
}

/// ZooDefs.Perms bit set.
public struct Perms: OptionSet, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let read = Perms(rawValue: 1)
    public static let write = Perms(rawValue: 2)
    public static let create = Perms(rawValue: 4)
    public static let delete = Perms(rawValue: 8)
    public static let admin = Perms(rawValue: 16)
    public static let all: Perms = [.read, .write, .create, .delete, .admin]

    /// zkCli.sh's letters, in its order: c d r w a.
    public var letters: String {
        var s = ""
        if contains(.create) { s += "c" }
        if contains(.delete) { s += "d" }
        if contains(.read) { s += "r" }
        if contains(.write) { s += "w" }
        if contains(.admin) { s += "a" }
        return s
    }

    public init?(letters: String) {
        var p = Perms()
        for c in letters {
            switch c {
            case "r": p.insert(.read)
            case "w": p.insert(.write)
            case "c": p.insert(.create)
            case "d": p.insert(.delete)
            case "a": p.insert(.admin)
            default: return nil
            }
        }
        self = p
    }
}
